#include "policy/model_access.hpp"

namespace llmgw::policy {

bool glob_match(std::string_view p, std::string_view t) {
  // Linear-time wildcard match (backtrack to the last '*' only): no pattern blows up.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool model_allowed(const std::vector<std::string>& allowed, std::string_view model) {
  if (allowed.empty()) return true;
  for (const auto& a : allowed)
    if (a == "*" || a == "all-proxy-models" || glob_match(a, model)) return true;
  return false;
}

}  // namespace llmgw::policy

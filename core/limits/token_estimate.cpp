#include "limits/token_estimate.hpp"

#include <algorithm>

namespace llmgw::limits {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// The unsigned integer after `:` at `i` (spaces around it), or -1.
std::int64_t value_at(std::string_view body, std::size_t i) {
  while (i < body.size() && is_space(body[i])) ++i;
  if (i >= body.size() || body[i] != ':') return -1;
  ++i;
  while (i < body.size() && is_space(body[i])) ++i;
  std::int64_t v = 0;
  int digits = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9' && digits < 10) {
    v = v * 10 + (body[i] - '0');
    ++i;
    ++digits;
  }
  return digits > 0 ? v : -1;
}

/// Whether `body` holds `name` just before `at`.
bool ends_with_at(std::string_view body, std::size_t at, std::string_view name) {
  return at >= name.size() && body.substr(at - name.size(), name.size()) == name;
}

}  // namespace

std::int64_t requested_output_tokens(std::string_view body) {
  // One pass over the body (it was three, one a name, each stopping at every quote): every
  // `"max_tokens"`, `"max_completion_tokens"` and `"max_output_tokens"` ends in `_tokens"`,
  // which ordinary text rarely holds.
  static constexpr std::string_view kTail = "_tokens\"";
  std::int64_t best = 0;
  for (std::size_t at = body.find(kTail); at != std::string_view::npos; at = body.find(kTail, at + 1)) {
    if (!ends_with_at(body, at, "\"max") && !ends_with_at(body, at, "\"max_completion") &&
        !ends_with_at(body, at, "\"max_output"))
      continue;
    best = std::max(best, value_at(body, at + kTail.size()));
  }
  return best;
}

std::int64_t estimate_tokens(std::string_view body) {
  return static_cast<std::int64_t>((body.size() + 3) / 4) + requested_output_tokens(body);
}

}  // namespace llmgw::limits

#include "redactor.hpp"

namespace llmgw::pii {
namespace {
bool alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

std::string mask(std::string_view value) {
  std::size_t total = 0;
  for (char c : value) total += alnum(c);
  const std::size_t keep = total >= 8 ? 4 : 0;
  std::string out(value);
  std::size_t seen = 0;
  for (char& c : out) {
    if (!alnum(c)) continue;
    if (seen++ < total - keep) c = '*';
  }
  return out;
}

std::string mask_all(std::string_view value) {
  std::string out(value);
  for (char& c : out)
    if (alnum(c)) c = '*';
  return out;
}

std::string Redactor::replacement(const Detector& d, std::string_view value) {
  if (d.action == Action::mask) return mask(value);
  auto key = std::make_pair(d.placeholder, std::string(value));
  auto it = numbers_.find(key);
  int n;
  if (it != numbers_.end()) {
    n = it->second;
  } else {
    n = ++counts_[d.placeholder];
    numbers_.emplace(std::move(key), n);
  }
  return "[" + d.placeholder + "_" + std::to_string(n) + "]";
}

}  // namespace llmgw::pii

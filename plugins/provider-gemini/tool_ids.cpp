#include "tool_ids.hpp"

#include "wire.hpp"

#include <cstdint>

namespace llmgw::provider_gemini {
namespace {

/// FNV-1a, 64 bits, continuing from `h`.
uint64_t fnv1a(std::string_view s, uint64_t h) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void append_hex(std::string& out, uint64_t v, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out += kHex[(v >> (4 * i)) & 0xF];
}

}  // namespace

std::string tool_call_id(std::string_view response_id, std::size_t index, std::string_view name,
                         std::string_view upstream_id, std::string_view signature) {
  std::string id;
  if (!upstream_id.empty()) {
    id = upstream_id;
  } else {
    const std::string position = std::to_string(index);
    uint64_t h1 = fnv1a(response_id, 14695981039346656037ull);
    h1 = fnv1a("\x1f", h1);
    h1 = fnv1a(position, h1);
    h1 = fnv1a("\x1f", h1);
    h1 = fnv1a(name, h1);
    const uint64_t h2 = fnv1a(name, fnv1a(position, fnv1a(response_id, h1 ^ 0x9e3779b97f4a7c15ull)));
    id.reserve(kToolIdPrefix.size() + 24 + (signature.empty() ? 0 : kThoughtSeparator.size() + signature.size()));
    id = kToolIdPrefix;
    append_hex(id, h1, 16);
    append_hex(id, h2, 8);
  }
  if (!signature.empty()) {
    id += kThoughtSeparator;
    id += signature;
  }
  return id;
}

SplitId split_tool_call_id(std::string_view id) noexcept {
  const std::size_t at = id.find(kThoughtSeparator);
  if (at == std::string_view::npos) return SplitId{id, {}};
  return SplitId{id.substr(0, at), id.substr(at + kThoughtSeparator.size())};
}

}  // namespace llmgw::provider_gemini

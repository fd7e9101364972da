#include "tool_ids.hpp"

#include "wire.hpp"

#include <cstdint>

namespace llmgw::provider_mistral {

bool is_mistral_tool_id(std::string_view id) noexcept {
  if (id.size() != kToolIdLength) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::string mistral_tool_id(std::string_view id) {
  if (is_mistral_tool_id(id)) return std::string(id);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string out(kToolIdLength, 'A');
  for (std::size_t i = 0; i < kToolIdLength; ++i) {
    out[i] = kAlphabet[h % 62];
    h /= 62;
    if (h == 0) h = 0x9e3779b97f4a7c15ull ^ i;
  }
  return out;
}

}  // namespace llmgw::provider_mistral

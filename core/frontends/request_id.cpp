#include "frontends/request_id.hpp"

#include <random>

namespace llmgw::frontends {

std::string new_request_id(std::int64_t now_ms) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  id = "req_";
  const auto ms = static_cast<std::uint64_t>(now_ms);
  for (int shift = 44; shift >= 0; shift -= 4) id.push_back(kHex[(ms >> shift) & 15]);
  std::uint64_t v = rng();
  for (int i = 0; i < 16; ++i, v >>= 4) id.push_back(kHex[v & 15]);
  v = rng();
  for (int i = 0; i < 4; ++i, v >>= 4) id.push_back(kHex[v & 15]);
  return id;
}

}  // namespace llmgw::frontends

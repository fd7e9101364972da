#include "routing/weighted_pick.hpp"

#include <random>

namespace llmgw::routing {

uint64_t pick_random() noexcept {
  // splitmix64 over a per-thread state seeded once from the OS.
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::size_t weighted_pick(std::span<const llmgw_candidate> candidates, uint64_t random) noexcept {
  uint64_t total = 0;
  for (const auto& c : candidates) total += c.weight;
  if (total == 0) return static_cast<std::size_t>(random % candidates.size());
  uint64_t r = random % total;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (r < candidates[i].weight) return i;
    r -= candidates[i].weight;
  }
  return candidates.size() - 1;  // not reached
}

}  // namespace llmgw::routing

// How long a call waits before retrying a deployment it already tried.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>

namespace llmgw::pipeline {

/// Backoff before retry `n` (1-based) on a deployment this call already tried: exponential from
/// `base_ms`, jittered into [50%, 100%], capped at 8 s; never less than `min_ms` (the configured
/// retry_after) nor than the upstream asked (`retry_after_ms`, already clamped by the caller).
inline int64_t backoff_ms(int n, int64_t base_ms, int64_t min_ms, int64_t retry_after_ms, std::minstd_rand& rng) {
  const int64_t exp = std::min<int64_t>(base_ms << std::min(n - 1, 10), 8000);
  const int64_t jittered = exp / 2 + static_cast<int64_t>(rng() % static_cast<uint64_t>(exp / 2 + 1));
  return std::max({jittered, min_ms, retry_after_ms});
}

}  // namespace llmgw::pipeline

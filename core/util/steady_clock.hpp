// Monotonic milliseconds, the unit every deadline in the core is kept in.
#pragma once

#include <chrono>
#include <cstdint>

namespace llmgw::util {

inline int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// What is left until `deadline_ms`, for one wait: at least 1 ms while it is ahead, 0 once it
/// has passed; capped at INT32_MAX.
inline int ms_until(int64_t deadline_ms) {
  const int64_t left = deadline_ms - steady_ms();
  if (left <= 0) return 0;
  return left > INT32_MAX ? INT32_MAX : static_cast<int>(left);
}

}  // namespace llmgw::util

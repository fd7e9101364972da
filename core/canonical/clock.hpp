// The core's clocks, in milliseconds: the steady clock every deadline and cooldown is kept in,
// and Unix time for what is shared between processes (Redis) or shown to people.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>

namespace llmgw::canonical {

/// Milliseconds of the steady clock (never jumps; local to this process).
inline int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Microseconds of the same steady clock: steady_us() / 1000 is what steady_ms() would have
/// read at that instant (both truncate the clock's nanoseconds). One read serves a span's start
/// in µs and a deadline in ms taken at the same moment.
inline int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Milliseconds since the Unix epoch (shared between processes and machines).
inline int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// What is left until `deadline_ms` (steady), for one wait: at least 1 ms while it is ahead, 0
/// once it has passed; capped at INT32_MAX.
inline int ms_until(int64_t deadline_ms, int64_t now_ms) {
  const int64_t left = deadline_ms - now_ms;
  if (left <= 0) return 0;
  return left > INT32_MAX ? INT32_MAX : static_cast<int>(left);
}
inline int ms_until(int64_t deadline_ms) { return ms_until(deadline_ms, steady_ms()); }

}  // namespace llmgw::canonical

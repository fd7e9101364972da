// The live state of one deployment, shared by every request thread and written lock-free:
// its health (cooldown, half-open probe) and the statistics routing strategies pick by
// (in-flight calls, EWMA latency and time to first token, usage in the current minute, recent
// failures). The shared-state sync (Redis) mirrors cooldowns and usage between instances by
// reading and raising these same atomics from its own thread; the request path never waits
// for it.
#pragma once

#include <atomic>
#include <cstdint>

#include "canonical/clock.hpp"

namespace llmgw::routing {

class DeploymentState {
 public:
  // ---- health ----------------------------------------------------------------------------
  /// Skipped until this steady_ms time; 0: healthy. Once it has passed, one call claims the
  /// half-open probe (admit) while the others keep skipping the deployment until the probe's
  /// verdict. Only this value is shared between instances (Redis), never the probe window.
  std::atomic<int64_t> cooldown_until_ms{0};
  /// While a probe is in flight: when its claim lapses (should it never report), steady ms.
  std::atomic<int64_t> probe_until_ms{0};
  /// Retryable failures since the last success (towards allowed_fails).
  std::atomic<int> consecutive_failures{0};

  /// Raises cooldown_until_ms to `until` (never lowers it). True when it was raised.
  bool cool_until(int64_t until);
  /// Whether a call may go to the deployment at `now`: healthy, or its cooldown ended and this
  /// caller won the probe (which holds the others off for `probe_ms`). Sets `*probe`.
  bool admit(int64_t now, int64_t probe_ms, bool* probe);
  /// Until when (steady ms) the deployment takes no call, or 0 when it takes one now (healthy,
  /// or its cooldown ended and no probe is in flight).
  int64_t blocked_until(int64_t now) const;
  /// The probe answered: clears the cooldown, the probe and the failure count.
  void mark_healthy();
  /// Any other success: clears the failure count. A cooldown stays (the call may have started
  /// before it; a Retry-After window is kept whatever answered meanwhile).
  void mark_success();
  /// The probe claimed by admit() will not be sent after all (or failed and was cooled again).
  void release_probe();
  /// Counts a retryable failure towards allowed_fails and returns the count: failures more
  /// than `window_ms` after the previous one start a new count.
  int count_failure(int64_t now_unix_ms, int64_t window_ms);

  // ---- live statistics ------------------------------------------------------------------
  std::atomic<uint32_t> in_flight{0};
  /// Exponentially weighted moving averages in microseconds; -1 until the first sample. A
  /// failed call is a sample of at least 10 s.
  std::atomic<int64_t> ewma_latency_us{-1};
  std::atomic<int64_t> ewma_ttft_us{-1};
  /// Failures in the recent past: +1 per failure, halved every 10 s of quiet (see on_end).
  std::atomic<uint32_t> recent_failures{0};

  /// Requests and tokens counted in the current minute (minute = unix_ms / 60000). Local
  /// counts; `shared_*` are the totals of every instance for `shared_minute` as the Redis sync
  /// last read them (-1: no shared view).
  std::atomic<int64_t> minute{0};
  std::atomic<int64_t> requests_this_minute{0};
  std::atomic<int64_t> tokens_this_minute{0};
  std::atomic<int64_t> shared_minute{0};
  std::atomic<int64_t> shared_requests{-1};
  std::atomic<int64_t> shared_tokens{-1};

  /// A call starts (counts it in flight and in this minute's requests).
  void on_start(int64_t now_unix_ms);
  /// The first byte of the answer arrived `ttft_us` after the call started.
  void on_first_byte(int64_t ttft_us);
  /// The call ended after `latency_us`, with `tokens` used (0 unknown), failed or not.
  void on_end(int64_t latency_us, int64_t tokens, bool failed, int64_t now_unix_ms);
  /// Tokens reported after the end (usage read from a stream's last event).
  void add_tokens(int64_t tokens, int64_t now_unix_ms);

  /// Requests / tokens in the current minute: the shared totals when they are for this minute,
  /// else the local counts.
  int64_t requests_in_minute(int64_t now_unix_ms) const;
  int64_t tokens_in_minute(int64_t now_unix_ms) const;

 private:
  void roll_minute(int64_t now_unix_ms);
  std::atomic<int64_t> last_failure_ms_{0};
  std::atomic<int64_t> last_counted_failure_ms_{0};
};

}  // namespace llmgw::routing

// The sliding windows every limit is counted in, as the per-instance limiter keeps them; the
// Redis script (limits/redis_scripts.cpp) does the same arithmetic on Redis' own clock.
//
//   requests  a log of admission times (exact): a request counts for 60 s after its admission.
//             Remaining frees one slot at a time, so the retry time of a refused call is when
//             enough of the oldest entries leave. Memory ≤ the RPM limit.
//   tokens    per-second buckets (60: this second and the 59 before). Reservations and their
//             reconciliation land in the bucket of the admission second, so a correction after a
//             long call still lands where the estimate did; counts are exact, the window's edge
//             is whole seconds. Memory: 60 buckets whatever the traffic.
//   parallel  calls in flight (released when the call ends).
//
// A request's token reservation is its estimate cut to the TPM limit, so that one request larger
// than the whole limit can still run alone in an empty window (then nothing else does).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace llmgw::limits {

inline constexpr std::int64_t kWindowMs = 60'000;
inline constexpr std::int64_t kWindowSeconds = kWindowMs / 1000;
/// The retry hint of a call refused for parallel requests (a slot frees when any call ends).
inline constexpr std::int64_t kParallelRetryMs = 1000;

enum class Dimension { none = 0, requests = 1, tokens = 2, parallel = 3 };

/// One scope's counters as a decision saw them. A limit of 0: not limited in that dimension
/// (its remaining and reset are then meaningless). `remaining` is after this call when it was
/// admitted; `reset_ms` is how long until the window is empty again.
struct ScopeFigures {
  std::int64_t req_limit = 0, req_remaining = 0, req_reset_ms = 0;
  std::int64_t tok_limit = 0, tok_remaining = 0, tok_reset_ms = 0;
  std::int64_t par_limit = 0, par_remaining = 0;
  bool operator==(const ScopeFigures&) const = default;
};

/// One check-and-reserve over every scope of a call: all of it reserved, or none of it.
struct Decision {
  bool allowed = true;
  int refused_scope = -1;            // index of the first scope over its limit
  Dimension refused = Dimension::none;
  std::int64_t retry_after_ms = 0;   // refused: when every refusing dimension would fit again
  std::int64_t now_ms = 0;           // the clock the decision was taken on
  std::vector<ScopeFigures> figures; // one per scope, in order
};

/// The token reservation of a request estimated at `estimate` tokens under `limit`.
inline std::int64_t token_reservation(std::int64_t estimate, std::int64_t limit) {
  if (estimate < 0) estimate = 0;
  return limit > 0 && estimate > limit ? limit : estimate;
}

/// The request log of one scope.
class RequestWindow {
 public:
  /// Whether one more request fits under `limit` at `now_ms` (dropping what left the window);
  /// fills the request figures, and `retry_ms` when it does not fit.
  bool check(std::int64_t now_ms, std::int64_t limit, ScopeFigures& f, std::int64_t& retry_ms);
  void add(std::int64_t now_ms) { times_.push_back(now_ms); }
  /// Takes back one request added at `at_ms` (a call admitted, then not made); false if none is.
  bool remove(std::int64_t at_ms);
  std::size_t size() const { return times_.size(); }
  /// Whether no request counts any more at `now_ms`.
  bool empty_at(std::int64_t now_ms) const { return times_.empty() || times_.back() + kWindowMs <= now_ms; }

 private:
  std::deque<std::int64_t> times_;  // ascending
};

/// The token buckets of one scope.
class TokenWindow {
 public:
  bool check(std::int64_t now_ms, std::int64_t limit, std::int64_t need, ScopeFigures& f, std::int64_t& retry_ms);
  /// Adds `tokens` (may be negative: a refund; a bucket never goes below 0) to the bucket of
  /// second `second`, if that second is still in the window at `now_ms`; otherwise a positive
  /// amount goes to the current second (those tokens were used lately) and a refund is dropped.
  void add(std::int64_t second, std::int64_t tokens, std::int64_t now_ms);
  /// Tokens counted in the window at `now_ms`.
  std::int64_t used(std::int64_t now_ms) const;

 private:
  struct Bucket {
    std::int64_t second = -1;
    std::int64_t tokens = 0;
  };
  std::array<Bucket, kWindowSeconds> buckets_{};  // by second % 60
};

/// Calls in flight of one scope.
struct ParallelCount {
  std::int64_t in_flight = 0;
  bool check(std::int64_t limit, ScopeFigures& f, std::int64_t& retry_ms) const;
};

/// "20ms", "1.5s", "59.999s", "1m0s": OpenAI's x-ratelimit-reset-* duration format.
std::string format_reset(std::int64_t ms);

}  // namespace llmgw::limits

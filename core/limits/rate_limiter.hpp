// The ingress's one door to rate limits (phase 6 admits, phase 9 settles): resolves the scopes
// of a virtual-key call (limits/limit_scopes), estimates its tokens (limits/token_estimate) and
// asks Redis (limits/redis_limiter: exact across instances) or, without Redis, this instance
// (limits/local_limiter). The Ticket of an admitted call carries what it reserved and the
// x-ratelimit-* headers; settling it reconciles tokens with the usage the upstream reported and
// frees the parallel slots (its destructor frees them if the call never settled).
//
// Redis down, slow (no answer within rate_limit_redis_timeout_ms) or answering nonsense: the call
// goes on unlimited ("fail open"), llmgw_rate_limit_redis_unavailable_total counts it and one
// warning is logged per 10 s; with general_settings.rate_limit_fail_closed: true it is refused
// with a 503 rate_limiter_unavailable instead. Redis is never replaced by the local limiter in an
// outage: N instances' local windows would admit N times the limit.
#pragma once

#include <llmgw/plugin.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical/api_error.hpp"
#include "limits/asio_redis.hpp"
#include "limits/limit_scopes.hpp"
#include "limits/local_limiter.hpp"
#include "limits/rate_limit_headers.hpp"
#include "limits/redis_limiter.hpp"
#include "store/records.hpp"

namespace llmgw::limits {

struct RateLimitOptions {
  std::optional<RedisEndpoint> redis;               // none: per-instance limits
  std::chrono::milliseconds redis_timeout{100};      // one admit round trip, at most
  std::chrono::milliseconds parallel_lease{660'000};  // a parallel slot's expiry in Redis
  bool fail_closed = false;                          // Redis unavailable: refuse (503)
  int admission_lease_calls = 0;                     // Redis: the admission lease asked (0: none)
};

class RateLimiter;

/// The tokens a call used, as TPM counts them: input + output the upstream reported; -1 when it
/// reported neither (the estimate then stands).
inline std::int64_t actual_tokens(const llmgw_usage& u) {
  if (u.prompt_tokens < 0 && u.completion_tokens < 0) return -1;
  return (u.prompt_tokens > 0 ? u.prompt_tokens : 0) + (u.completion_tokens > 0 ? u.completion_tokens : 0);
}

/// What one call reserved. Settle it once the call is over.
class Ticket {
 public:
  Ticket() = default;
  ~Ticket() { settle(-1); }
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;

  /// Whether the call holds a reservation.
  bool reserved() const { return owner_ != nullptr; }
  /// The x-ratelimit-* headers of the decision (empty when nothing was counted).
  const Headers& headers() const { return headers_; }
  template <class Response>
  void set_headers(Response& response) const {
    for (const auto& [name, value] : headers_) response.set(name, value);
  }
  /// Ends the call: `actual_tokens` (input + output the upstream reported; < 0: unknown, the
  /// estimate stands) reconciles TPM, and the parallel slots are freed. Idempotent.
  void settle(std::int64_t actual_tokens);
  /// Ends a call that was admitted here but not made (its budget refused it): the request, the
  /// tokens reserved and the parallel slots are given back, as if it had never been admitted.
  /// Idempotent; nothing after settle().
  void release();

 private:
  friend class RateLimiter;

  RateLimiter* owner_ = nullptr;
  Scopes scopes_;
  std::vector<std::int64_t> reserved_tokens_;  // per scope
  std::int64_t bucket_s_ = 0;
  std::int64_t admitted_ms_ = 0;  // the admission's clock (Redis' or this instance's)
  std::string member_;
  bool redis_ = false;
  Headers headers_;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitOptions options);

  /// Per event loop (Redis: opens the loop's connection). Call on the loop's thread.
  void on_loop_start(boost::asio::io_context& io);
  /// After the loops stopped, while their io_contexts exist.
  void release_loop_connections();

  /// Phase 6 for a virtual key's call on `alias` with request body `body`: nullopt and a
  /// filled `ticket` (admitted), or the 429 (over a limit) / 503 (fail closed) to answer.
  /// With Redis and a `companion` (the budget's reserve), one script checks and reserves both,
  /// all or nothing: when the companion refused, nothing is reserved (nullopt, an empty ticket
  /// with the headers; the companion's reply says why). Without Redis, or when no limit applies,
  /// the companion stays NotSent.
  boost::asio::awaitable<std::optional<canonical::ApiError>> admit(const store::KeyRecord& key,
                                                                   const store::TeamRecord* team,
                                                                   std::string_view alias, std::string_view body,
                                                                   Ticket& ticket,
                                                                   AdmitCompanion* companion = nullptr);

  bool shared() const { return redis_ != nullptr; }
  /// llmgw_rate_limit_redis_unavailable_total.
  std::uint64_t unavailable_count() const;

 private:
  friend class Ticket;
  void settle(Ticket& ticket, std::int64_t actual_tokens);
  void release(Ticket& ticket);
  std::optional<canonical::ApiError> unavailable();
  std::string next_member();

  RateLimitOptions options_;
  LocalLimiter local_;
  std::unique_ptr<RedisLimiter> redis_;
  std::string instance_;                 // random prefix of this process's reservation ids
  std::atomic<std::uint64_t> sequence_{0};
  std::atomic<std::int64_t> last_warning_ms_{0};
  std::uint32_t unavailable_counter_ = 0;
};

}  // namespace llmgw::limits

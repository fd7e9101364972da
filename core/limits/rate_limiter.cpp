#include "limits/rate_limiter.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include "canonical/clock.hpp"
#include "limits/token_estimate.hpp"
#include "observe/counters.hpp"

namespace llmgw::limits {

void Ticket::settle(std::int64_t actual_tokens) {
  if (!owner_) return;
  RateLimiter* owner = owner_;
  owner->settle(*this, actual_tokens);
  owner_ = nullptr;
}

void Ticket::release() {
  if (!owner_) return;
  RateLimiter* owner = owner_;
  owner->release(*this);
  owner_ = nullptr;
}

RateLimiter::RateLimiter(RateLimitOptions options) : options_(std::move(options)) {
  if (options_.redis)
    redis_ = std::make_unique<RedisLimiter>(*options_.redis, options_.redis_timeout, options_.parallel_lease,
                                            options_.admission_lease_calls);
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 4; ++i)
    for (unsigned v = rd(), k = 0; k < 4; ++k, v >>= 4) instance_.push_back(kHex[v & 15]);
  unavailable_counter_ = observe::counters().register_counter(
      "llmgw", "rate_limit_redis_unavailable",
      "Calls whose rate limits Redis could not check in time (admitted unlimited, or refused when fail closed)");
}

void RateLimiter::on_loop_start(boost::asio::io_context& io) {
  if (redis_) redis_->on_loop_start(io);
}

void RateLimiter::release_loop_connections() {
  if (redis_) redis_->release_loop_connections();
}

std::uint64_t RateLimiter::unavailable_count() const { return observe::counters().value(unavailable_counter_); }

std::string RateLimiter::next_member() {
  return instance_ + "-" + std::to_string(sequence_.fetch_add(1, std::memory_order_relaxed));
}

std::optional<canonical::ApiError> RateLimiter::unavailable() {
  observe::counters().add(unavailable_counter_, 1);
  const std::int64_t now = canonical::steady_ms();
  std::int64_t last = last_warning_ms_.load(std::memory_order_relaxed);
  if (now - last >= 10'000 && last_warning_ms_.compare_exchange_strong(last, now))
    spdlog::warn("rate limits: Redis did not answer within {} ms; calls are {} (llmgw_rate_limit_redis_unavailable_total)",
                 options_.redis_timeout.count(), options_.fail_closed ? "refused (fail closed)" : "admitted unlimited");
  if (!options_.fail_closed) return std::nullopt;
  canonical::ApiError e{503, "api_error", "rate_limiter_unavailable", "",
                        "The rate limiter is unavailable; please try again shortly."};
  e.retry_after_ms = 1000;
  return e;
}

boost::asio::awaitable<std::optional<canonical::ApiError>> RateLimiter::admit(const store::KeyRecord& key,
                                                                              const store::TeamRecord* team,
                                                                              std::string_view alias,
                                                                              std::string_view body, Ticket& ticket,
                                                                              AdmitCompanion* companion) {
  Scopes scopes = resolve_scopes(key, team, alias);
  if (scopes.empty()) co_return std::nullopt;
  bool tokens = false;
  for (const Scope& s : scopes) tokens = tokens || s.tpm > 0;
  const std::int64_t estimate = tokens ? estimate_tokens(body) : 0;
  std::optional<Decision> decision;
  std::string member;
  if (redis_) {
    member = next_member();
    decision = co_await redis_->admit(scopes, estimate, member, companion);
    if (!decision) {
      // Redis may still run the script after our deadline: free the parallel slots it would
      // hold (the request and its tokens stay counted: an over-count, never an under-count).
      redis_->finish(scopes, member, 0, std::vector<std::int64_t>(scopes.size(), 0));
      co_return unavailable();
    }
  } else {
    decision = local_.admit(scopes, estimate, canonical::unix_ms());
  }
  ticket.headers_ = rate_limit_headers(scopes, *decision);
  if (!decision->allowed) co_return refusal(scopes, *decision);
  // Admitted by the limits, refused by the companion in the same script: nothing was reserved.
  if (companion && companion->state == AdmitCompanion::State::Answered && companion->joined == 0)
    co_return std::nullopt;
  ticket.owner_ = this;
  ticket.reserved_tokens_.resize(scopes.size());
  for (std::size_t i = 0; i < scopes.size(); ++i) ticket.reserved_tokens_[i] = token_reservation(estimate, scopes[i].tpm);
  ticket.bucket_s_ = decision->now_ms / 1000;
  ticket.admitted_ms_ = decision->now_ms;
  ticket.member_ = std::move(member);
  ticket.redis_ = redis_ != nullptr;
  ticket.scopes_ = std::move(scopes);
  co_return std::nullopt;
}

void RateLimiter::settle(Ticket& t, std::int64_t actual_tokens) {
  std::vector<std::int64_t> delta(t.scopes_.size(), 0);
  if (actual_tokens >= 0)
    for (std::size_t i = 0; i < t.scopes_.size(); ++i)
      if (t.scopes_[i].tpm > 0) delta[i] = actual_tokens - t.reserved_tokens_[i];
  if (t.redis_) {
    if (redis_) redis_->finish(t.scopes_, t.member_, t.bucket_s_, delta);
  } else {
    local_.finish(t.scopes_, t.bucket_s_, delta, canonical::unix_ms());
  }
}

void RateLimiter::release(Ticket& t) {
  std::vector<std::int64_t> delta(t.scopes_.size(), 0);
  for (std::size_t i = 0; i < t.scopes_.size(); ++i)
    if (t.scopes_[i].tpm > 0) delta[i] = -t.reserved_tokens_[i];
  if (t.redis_) {
    if (redis_) redis_->release(t.scopes_, t.member_, t.bucket_s_, delta);
  } else {
    local_.release(t.scopes_, t.admitted_ms_, delta, canonical::unix_ms());
  }
}

}  // namespace llmgw::limits

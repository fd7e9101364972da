#include "routing/deployment_state.hpp"

#include <algorithm>
#include <chrono>

#include "util/saturating.hpp"

namespace llmgw::routing {
namespace {

/// One sample moves the average by 1/kEwmaWeight of the difference.
constexpr int64_t kEwmaWeight = 8;
constexpr int64_t kFailureHalfLifeMs = 10'000;
constexpr int64_t kFailureLatencyUs = 10'000'000;

void ewma_add(std::atomic<int64_t>& avg, int64_t sample) {
  int64_t cur = avg.load(std::memory_order_relaxed);
  int64_t next;
  do {
    next = cur < 0 ? sample : cur + (sample - cur) / kEwmaWeight;
  } while (!avg.compare_exchange_weak(cur, next, std::memory_order_relaxed));
}

}  // namespace

bool DeploymentState::cool_until(int64_t until) {
  int64_t cur = cooldown_until_ms.load(std::memory_order_relaxed);
  while (cur < until) {
    if (cooldown_until_ms.compare_exchange_weak(cur, until, std::memory_order_relaxed)) return true;
  }
  return false;
}

bool DeploymentState::admit(int64_t now, int64_t probe_ms, bool* probe) {
  *probe = false;
  const int64_t until = cooldown_until_ms.load(std::memory_order_relaxed);
  if (until == 0) return true;
  if (until > now) return false;
  // The cooldown ended: the first caller probes; the rest wait for its verdict (or for the
  // probe window to lapse, should the probe never report).
  int64_t claim = probe_until_ms.load(std::memory_order_relaxed);
  if (claim > now) return false;
  if (!probe_until_ms.compare_exchange_strong(claim, now + probe_ms, std::memory_order_relaxed)) return false;
  *probe = true;
  return true;
}

int64_t DeploymentState::blocked_until(int64_t now) const {
  const int64_t until = cooldown_until_ms.load(std::memory_order_relaxed);
  if (until == 0) return 0;
  if (until > now) return until;
  const int64_t claim = probe_until_ms.load(std::memory_order_relaxed);
  return claim > now ? claim : 0;
}

void DeploymentState::mark_healthy() {
  mark_success();
  if (cooldown_until_ms.load(std::memory_order_relaxed) != 0) cooldown_until_ms.store(0, std::memory_order_relaxed);
  release_probe();
}

void DeploymentState::mark_success() {
  if (consecutive_failures.load(std::memory_order_relaxed) != 0) consecutive_failures.store(0, std::memory_order_relaxed);
}

void DeploymentState::release_probe() {
  if (probe_until_ms.load(std::memory_order_relaxed) != 0) probe_until_ms.store(0, std::memory_order_relaxed);
}

int DeploymentState::count_failure(int64_t now_unix_ms, int64_t window_ms) {
  const int64_t previous = last_counted_failure_ms_.exchange(now_unix_ms, std::memory_order_relaxed);
  if (previous && now_unix_ms - previous > window_ms) consecutive_failures.store(0, std::memory_order_relaxed);
  return consecutive_failures.fetch_add(1, std::memory_order_relaxed) + 1;
}

void DeploymentState::roll_minute(int64_t now_unix_ms) {
  const int64_t m = now_unix_ms / 60'000;
  int64_t cur = minute.load(std::memory_order_relaxed);
  if (cur == m) return;
  if (minute.compare_exchange_strong(cur, m, std::memory_order_relaxed)) {
    requests_this_minute.store(0, std::memory_order_relaxed);
    tokens_this_minute.store(0, std::memory_order_relaxed);
  }
}

void DeploymentState::on_start(int64_t now_unix_ms) {
  in_flight.fetch_add(1, std::memory_order_relaxed);
  roll_minute(now_unix_ms);
  requests_this_minute.fetch_add(1, std::memory_order_relaxed);
}

void DeploymentState::on_first_byte(int64_t ttft_us) { ewma_add(ewma_ttft_us, ttft_us); }

void DeploymentState::on_end(int64_t latency_us, int64_t tokens, bool failed, int64_t now_unix_ms) {
  in_flight.fetch_sub(1, std::memory_order_relaxed);
  // A failure counts as a slow call (at least kFailureLatencyUs), so latency-based routing
  // moves away from a deployment that fails fast instead of preferring it.
  ewma_add(ewma_latency_us, failed ? std::max(latency_us, kFailureLatencyUs) : latency_us);
  if (tokens > 0) add_tokens(tokens, now_unix_ms);
  // Decay: halve the recent failure count for every half-life since the last failure.
  const int64_t last = last_failure_ms_.load(std::memory_order_relaxed);
  if (last && now_unix_ms - last >= kFailureHalfLifeMs) {
    uint32_t f = recent_failures.load(std::memory_order_relaxed);
    const int64_t halvings = (now_unix_ms - last) / kFailureHalfLifeMs;
    recent_failures.store(halvings >= 32 ? 0 : f >> halvings, std::memory_order_relaxed);
    last_failure_ms_.store(failed ? now_unix_ms : (recent_failures.load() ? now_unix_ms : 0), std::memory_order_relaxed);
  }
  if (failed) {
    recent_failures.fetch_add(1, std::memory_order_relaxed);
    last_failure_ms_.store(now_unix_ms, std::memory_order_relaxed);
  }
}

void DeploymentState::add_tokens(int64_t tokens, int64_t now_unix_ms) {
  roll_minute(now_unix_ms);
  util::saturating_fetch_add<int64_t>(tokens_this_minute, tokens);
}

int64_t DeploymentState::requests_in_minute(int64_t now_unix_ms) const {
  const int64_t m = now_unix_ms / 60'000;
  const int64_t shared = shared_requests.load(std::memory_order_relaxed);
  if (shared >= 0 && shared_minute.load(std::memory_order_relaxed) == m) {
    // The shared total may lag the local count by one sync period: never report less than
    // this instance alone has seen.
    const int64_t local = minute.load(std::memory_order_relaxed) == m ? requests_this_minute.load(std::memory_order_relaxed) : 0;
    return shared > local ? shared : local;
  }
  return minute.load(std::memory_order_relaxed) == m ? requests_this_minute.load(std::memory_order_relaxed) : 0;
}

int64_t DeploymentState::tokens_in_minute(int64_t now_unix_ms) const {
  const int64_t m = now_unix_ms / 60'000;
  const int64_t shared = shared_tokens.load(std::memory_order_relaxed);
  const int64_t local = minute.load(std::memory_order_relaxed) == m ? tokens_this_minute.load(std::memory_order_relaxed) : 0;
  if (shared >= 0 && shared_minute.load(std::memory_order_relaxed) == m) return shared > local ? shared : local;
  return local;
}

}  // namespace llmgw::routing

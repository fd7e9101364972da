#include "routing/health.hpp"

namespace llmgw::routing {

int64_t record_attempt(DeploymentState& s, const HealthPolicy& policy, const AttemptEnd& end) {
  if (!end.failed || policy.disable_cooldowns) {
    // An answer, even a client error: the deployment is up.
    if (end.probe) s.mark_healthy();
    else if (end.success) s.mark_success();
    return 0;
  }
  int64_t cool_ms = 0;
  // The upstream said when to come back: nobody calls it before then, even with no alternative
  // (the call itself waits, or the client is told when to retry).
  if (end.retry_after_ms > 0) cool_ms = std::min(end.retry_after_ms, policy.max_retry_after_ms);
  // allowed_fails counts failures within a minute of each other (a success resets the count).
  // A deployment with nothing to stand in for it is not taken out for failing: its own answers
  // reach the client.
  const int fails = s.count_failure(canonical::unix_ms(), 60'000);
  if (end.has_alternatives && (end.probe || fails >= policy.allowed_fails)) {
    cool_ms = std::max(cool_ms, policy.cooldown_ms);
    s.consecutive_failures.store(0, std::memory_order_relaxed);
  }
  const bool cooled = cool_ms > 0 && s.cool_until(canonical::steady_ms() + cool_ms);
  if (end.probe) s.release_probe();
  return cooled ? cool_ms : 0;
}

}  // namespace llmgw::routing

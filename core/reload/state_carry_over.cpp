#include "reload/state_carry_over.hpp"

#include <algorithm>
#include <unordered_map>

namespace llmgw::reload {

void carry_state(const routing::DeploymentState& from, routing::DeploymentState& to) {
  const auto copy = [](const auto& a, auto& b) { b.store(a.load(std::memory_order_relaxed), std::memory_order_relaxed); };
  copy(from.cooldown_until_ms, to.cooldown_until_ms);
  copy(from.consecutive_failures, to.consecutive_failures);
  copy(from.ewma_latency_us, to.ewma_latency_us);
  copy(from.ewma_ttft_us, to.ewma_ttft_us);
  copy(from.recent_failures, to.recent_failures);
  copy(from.minute, to.minute);
  copy(from.requests_this_minute, to.requests_this_minute);
  copy(from.tokens_this_minute, to.tokens_this_minute);
  copy(from.shared_minute, to.shared_minute);
  copy(from.shared_requests, to.shared_requests);
  copy(from.shared_tokens, to.shared_tokens);
}

std::size_t carry_over(const pipeline::Gateway& from, pipeline::Gateway& to, const std::vector<std::string>& changed) {
  std::unordered_map<std::string_view, const routing::DeploymentState*> old;
  for (const auto& d : from.deployments()) old.emplace(d->cfg.id, &d->state);
  std::size_t carried = 0;
  for (const auto& d : to.deployments()) {
    const auto it = old.find(d->cfg.id);
    if (it == old.end() || std::binary_search(changed.begin(), changed.end(), d->cfg.id)) continue;
    carry_state(*it->second, d->state);
    ++carried;
  }
  return carried;
}

}  // namespace llmgw::reload

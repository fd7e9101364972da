// Deployment health for the call loop: which healthy deployment an attempt goes to (skipping
// those cooling down or being probed, untried ones first, the strategy's pick among them, the
// half-open probe claimed), and how an attempt's end changes health (cooldowns after
// allowed_fails, Retry-After honoured, probes settled). Lock-free: DeploymentState's atomics.
#pragma once

#include <algorithm>
#include <cstdint>

#include "canonical/clock.hpp"
#include "routing/deployment_state.hpp"
#include "routing/router.hpp"

namespace llmgw::routing {

/// router_settings / litellm_settings that govern health.
struct HealthPolicy {
  int allowed_fails = 3;             // failures within a minute before a cooldown
  int64_t cooldown_ms = 5000;        // cooldown_time
  int64_t max_retry_after_ms = 0;    // router_settings.max_retry_after: the longest Retry-After honoured
  bool disable_cooldowns = false;
};

/// How one attempt ended, as health sees it.
struct AttemptEnd {
  bool success = false;              // a 2xx answer went to the client
  bool failed = false;               // retryable, or broke after the first byte
  int64_t retry_after_ms = -1;       // the upstream's Retry-After, if any
  bool probe = false;                // the attempt was the half-open probe
  bool has_alternatives = false;     // another deployment or alias could stand in
};

/// Records `end` in `state`: a probe that got an answer clears it; a failure counts towards
/// allowed_fails (a cooldown when something can stand in), a Retry-After cools for at least that
/// long (capped at max_retry_after_ms), a failed probe cools again. Returns the cooldown it
/// started in ms (0: none), for the caller's log.
int64_t record_attempt(DeploymentState& state, const HealthPolicy& policy, const AttemptEnd& end);

/// A healthy deployment of `pool` for the next attempt, or null when every one is cooling down
/// (`*soonest_ms` then says when the first returns). Deployments not yet in `tried` come first;
/// among them `router` picks. A deployment whose cooldown just ended is taken as the half-open
/// probe (`*probe`), holding other calls off it for `probe_ms`. `Pool` is a vector of pointers to
/// objects with `cfg` and `state` (pipeline::Deployment); allocation-free once warm.
/// `now` is canonical::steady_ms() (a caller that has just read it passes its reading).
template <class Pool, class Tried>
typename Pool::value_type choose(Router& router, const Pool& pool, const Tried& tried, bool stream, int64_t probe_ms,
                                 bool* probe, int64_t* soonest_ms, int64_t now = canonical::steady_ms()) {
  thread_local Pool fresh, again;  // no suspension inside: safe per thread
  *probe = false;
  fresh.clear();
  again.clear();
  for (auto* d : pool) {
    if (const int64_t until = d->state.blocked_until(now)) {  // cooling down, or being probed
      if (*soonest_ms < 0 || until - now < *soonest_ms) *soonest_ms = until - now;
      continue;
    }
    (std::find(tried.begin(), tried.end(), d) == tried.end() ? fresh : again).push_back(d);
  }
  for (;;) {
    Pool& candidates = fresh.empty() ? again : fresh;
    if (candidates.empty()) return nullptr;
    auto* d = candidates.size() == 1 ? candidates.front() : candidates[router.pick(candidates, stream)];
    if (d->state.admit(now, probe_ms, probe)) return d;
    // Another call won the probe meanwhile: drop it and pick again.
    candidates.erase(std::find(candidates.begin(), candidates.end(), d));
  }
}

}  // namespace llmgw::routing

// A reload's new gateway starts with the live state of the deployments it keeps: for each
// deployment whose id is in both gateways and whose config did not change, its cooldown and
// failure count (a deployment cooling down stays out), its latency and TTFT averages, recent
// failures and this minute's usage (routing strategies and rpm/tpm headroom go on from them).
// Not carried: calls in flight (they finish, and are counted, on the old gateway) and a
// half-open probe in flight. A changed deployment (new api_base, key, model…) starts healthy:
// changing it is how an operator fixes one.
#pragma once

#include <string>
#include <vector>

#include "pipeline/gateway.hpp"
#include "routing/deployment_state.hpp"

namespace llmgw::reload {

/// Copies what is carried from `from` to `to` (plain atomic loads and stores).
void carry_state(const routing::DeploymentState& from, routing::DeploymentState& to);

/// carry_state for every deployment of `to` whose id `from` has and `changed` (sorted) does not
/// list. Returns how many were carried.
std::size_t carry_over(const pipeline::Gateway& from, pipeline::Gateway& to, const std::vector<std::string>& changed);

}  // namespace llmgw::reload

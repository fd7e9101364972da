// A deployment as a router plugin sees it: its config and live statistics as an llmgw_candidate.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>

#include "config/config.hpp"
#include "routing/deployment_state.hpp"

namespace llmgw::routing {

/// Fills `out` (every member, struct_size included) from a deployment's config and live state
/// at `now_unix_ms`. `out.deployment_id` points into `cfg.id`. Lock-free, allocates nothing.
void fill_candidate(llmgw_candidate& out, const config::Deployment& cfg, const DeploymentState& state,
                    int64_t now_unix_ms) noexcept;

}  // namespace llmgw::routing

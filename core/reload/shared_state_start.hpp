// The Redis sync of cooldowns and usage (shared_state/) for one gateway's deployments. It points
// at that gateway's DeploymentState atomics, so a reload starts one for the new gateway and stops
// the old one before the old gateway can be destroyed (reload/reloader).
#pragma once

#include <memory>

#include "config/config.hpp"
#include "pipeline/gateway.hpp"
#include "shared_state/shared_state_sync.hpp"

namespace llmgw::reload {

/// With `redis` enabled: the started sync (stopped by its destructor). Otherwise null. `cfg`
/// gives the cooldown bounds.
std::unique_ptr<shared_state::SharedStateSync> start_shared_state(const config::RedisSettings& redis,
                                                                  const config::Config& cfg,
                                                                  const pipeline::Gateway& gateway);

}  // namespace llmgw::reload

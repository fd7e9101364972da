// What the shared-state sync needs of a deployment: its id (the same on every instance that
// loads the same config) and its live state.
#pragma once

#include <string>

#include "routing/deployment_state.hpp"

namespace llmgw::shared_state {

struct SyncedDeployment {
  std::string id;
  routing::DeploymentState* state = nullptr;
};

/// One sync round's clocks, read once so every conversion in it agrees.
struct Clocks {
  int64_t steady = 0;  // canonical::steady_ms()
  int64_t unix = 0;    // canonical::unix_ms()
  int64_t to_unix(int64_t steady_ms) const { return steady_ms - steady + unix; }
  int64_t to_steady(int64_t unix_ms) const { return unix_ms - unix + steady; }
};

}  // namespace llmgw::shared_state

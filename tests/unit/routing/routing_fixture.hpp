// A pool as the gateway holds one: deployments with a config and live state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "routing/deployment_state.hpp"

namespace llmgw::routing::test {

struct FakeDeployment {
  config::Deployment cfg;
  DeploymentState state;
};

/// Deployments "pool#0" … with the given weights; `pool()` lists pointers as Gateway pools do.
class FakePool {
 public:
  explicit FakePool(std::vector<int> weights) {
    for (std::size_t i = 0; i < weights.size(); ++i) {
      auto d = std::make_unique<FakeDeployment>();
      d->cfg.alias = "pool";
      d->cfg.id = "pool#" + std::to_string(i);
      d->cfg.weight = weights[i];
      pointers_.push_back(d.get());
      owned_.push_back(std::move(d));
    }
  }
  FakeDeployment& operator[](std::size_t i) { return *owned_[i]; }
  const std::vector<FakeDeployment*>& pool() const { return pointers_; }

 private:
  std::vector<std::unique_ptr<FakeDeployment>> owned_;
  std::vector<FakeDeployment*> pointers_;
};

}  // namespace llmgw::routing::test

// What the admin endpoints read of the runtime snapshot serving now (frontends/runtime.hpp,
// which the admin layer does not see): its gateway and its sinks, each kept alive by the
// returned pointer (it shares the snapshot's ownership) for as long as the caller holds it.
#pragma once

#include <functional>
#include <memory>

#include "pipeline/gateway.hpp"
#include "telemetry/telemetry.hpp"

namespace llmgw::admin {

struct RuntimeView {
  std::function<std::shared_ptr<const pipeline::Gateway>()> gateway;
  std::function<std::shared_ptr<const telemetry::Telemetry>()> telemetry;
};

}  // namespace llmgw::admin

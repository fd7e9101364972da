// router-builtin: the routing strategies LiteLLM's router_settings.routing_strategy names
// (simple-shuffle, least-busy, latency-based-routing, usage-based-routing(-v2),
// cost-based-routing). Glue only: the entry symbol, the descriptor and the vtable, whose
// exception-safe hooks (llmgw::RouterHooks) call the configured Strategy.
#include "strategy.hpp"
#include "strategy_config.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::router_builtin {
namespace {

/// The router of one gateway: the configured strategy; immutable after create.
class Router {
 public:
  Router(Host host, std::string_view config_json) {
    std::vector<std::string> warnings;
    strategy_ = make_strategy(config_json, warnings);
    for (const std::string& w : warnings) host.log(LLMGW_LOG_WARN, w);
  }

  std::size_t pick(const llmgw_pick_request& request) const {
    PickRandom rng(request.random);
    return strategy_->pick(Candidates(request), request.is_stream != 0, rng);
  }

 private:
  std::unique_ptr<const Strategy> strategy_;
};

constexpr llmgw_router_vtable kVtable = RouterHooks<Router>::vtable(kStrategyNames);

constexpr llmgw_plugin kPlugin = router_descriptor(
    "router-builtin", "0.1.0",
    "Routing strategies: simple-shuffle (weighted), least-busy, latency-based, usage-based, cost-based",
    &kVtable);

}  // namespace
}  // namespace llmgw::router_builtin

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::router_builtin::kPlugin;
}

// The routing strategy of router_settings.routing_strategy: picks the deployment of a pool a
// call goes to first. One router plugin instance implements the strategy (router-builtin ships
// LiteLLM's); with none loaded, simple-shuffle (the default) is the core's weighted pick.
#pragma once

#include <llmgw/plugin.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "loader/registry.hpp"
#include "routing/candidate.hpp"
#include "routing/deployment_state.hpp"

namespace llmgw::routing {

class Router {
 public:
  /// Creates the instance of the loaded router plugin whose strategy_names holds
  /// settings.routing_strategy (config {"strategy": name, "args": routing_strategy_args}). With
  /// no such plugin, "simple-shuffle" is served by the core; any other name throws
  /// loader::PluginError naming the strategy and the plugin to load.
  Router(const config::RouterSettings& settings, const loader::Registry& registry);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// The index in `pool` of the deployment to try first. `pool` is non-empty, indexable, and
  /// holds pointers to objects with `cfg` (config::Deployment) and `state` (DeploymentState),
  /// such as pipeline::Deployment. Lock-free; allocates only when this thread first sees a
  /// pool larger than any before. A pool of one is answered without asking the strategy.
  template <class Pool>
  std::size_t pick(const Pool& pool, bool stream) {
    const std::size_t n = pool.size();
    if (n <= 1) return 0;
    const std::span<llmgw_candidate> c = candidate_buffer(n);
    const int64_t now = canonical::unix_ms();
    for (std::size_t i = 0; i < n; ++i) fill_candidate(c[i], pool[i]->cfg, pool[i]->state, now);
    const auto& alias = pool[0]->cfg.alias;
    return choose(c, std::string_view(alias), stream, now);
  }

  /// The configured strategy name.
  const std::string& strategy() const { return strategy_; }
  /// The plugin serving the strategy, or null when the core's weighted pick does.
  const loader::RouterInstance* plugin() const { return plugin_.get(); }
  /// Picks the plugin failed (an error status or an index out of range), answered by weight.
  uint64_t fallbacks() const { return fallbacks_.load(std::memory_order_relaxed); }

  /// Picks among candidates already filled (the part of pick() after the stats are read).
  std::size_t choose(std::span<const llmgw_candidate> candidates, std::string_view alias, bool stream,
                     int64_t now_unix_ms);

 private:
  /// This thread's reusable array of at least n candidates.
  static std::span<llmgw_candidate> candidate_buffer(std::size_t n);

  std::string strategy_;
  std::unique_ptr<loader::RouterInstance> plugin_;
  std::atomic<uint64_t> fallbacks_{0};
  std::atomic<bool> fallback_logged_{false};
};

}  // namespace llmgw::routing

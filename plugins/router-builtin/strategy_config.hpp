// create()'s config for router-builtin: {"strategy": "<name>", "args": {...}} → which strategy,
// with its arguments, and the warnings to log.
#pragma once

#include "strategy.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::router_builtin {

/// Every name router-builtin accepts (LiteLLM's routing_strategy values and short forms).
inline constexpr const char* kStrategyNames =
    "simple-shuffle weighted least-busy latency-based-routing latency-based usage-based-routing "
    "usage-based-routing-v2 usage-based cost-based-routing cost-based";

/// The strategy named in `config_json` built with its args. Throws plugin_util::ConfigError with one
/// line ("unknown strategy 'x' (router-builtin implements: ...)", "args.lowest_latency_buffer
/// must be a number >= 0", ...). Args the strategy does not use add a line to `warnings`.
std::unique_ptr<Strategy> make_strategy(std::string_view config_json, std::vector<std::string>& warnings);

}  // namespace llmgw::router_builtin

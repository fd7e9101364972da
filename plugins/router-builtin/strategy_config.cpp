#include "strategy_config.hpp"

#include <plugin_util/config_json.hpp>

#include <rapidjson/document.h>

#include <stdexcept>

namespace llmgw::router_builtin {
namespace {

enum class Kind { Weighted, LeastBusy, LatencyBased, UsageBased, CostBased };

struct Name {
  std::string_view name;
  Kind kind;
};

constexpr Name kNames[] = {
    {"simple-shuffle", Kind::Weighted},           {"weighted", Kind::Weighted},
    {"least-busy", Kind::LeastBusy},              {"latency-based-routing", Kind::LatencyBased},
    {"latency-based", Kind::LatencyBased},        {"usage-based-routing", Kind::UsageBased},
    {"usage-based-routing-v2", Kind::UsageBased}, {"usage-based", Kind::UsageBased},
    {"cost-based-routing", Kind::CostBased},      {"cost-based", Kind::CostBased},
};

/// LiteLLM's latency args that the core's moving averages replace: accepted, not used.
bool litellm_latency_window_arg(std::string_view key) {
  return key == "ttl" || key == "max_latency_list_size";
}

double buffer_arg(const rapidjson::Value& args) {
  const rapidjson::Value* v = plugin_util::present_member(args, "lowest_latency_buffer");
  if (!v) return 0;
  if (!v->IsNumber() || v->GetDouble() < 0)
    throw plugin_util::ConfigError("routing_strategy_args.lowest_latency_buffer must be a number >= 0");
  return v->GetDouble();
}

}  // namespace

std::unique_ptr<Strategy> make_strategy(std::string_view config_json, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(config_json);
  const std::string name = plugin_util::string_member(doc, "strategy");
  const Name* found = nullptr;
  for (const Name& n : kNames)
    if (n.name == name) found = &n;
  if (!found)
    throw plugin_util::ConfigError("unknown strategy '" + name + "' (router-builtin implements: " + kStrategyNames + ")");
  const rapidjson::Value& args = plugin_util::object_member(doc, "args", "routing_strategy_");

  for (const auto& m : args.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (found->kind == Kind::LatencyBased && key == "lowest_latency_buffer") continue;
    std::string why = found->kind == Kind::LatencyBased && litellm_latency_window_arg(key)
                          ? " (latency is a moving average kept by the gateway)"
                          : "";
    warnings.push_back("routing_strategy_args." + std::string(key) + " is not used by " + name + why + "; ignored");
  }

  switch (found->kind) {
    case Kind::Weighted: return make_weighted();
    case Kind::LeastBusy: return make_least_busy();
    case Kind::LatencyBased: return make_latency_based(buffer_arg(args));
    case Kind::UsageBased: return make_usage_based();
    case Kind::CostBased: return make_cost_based();
  }
  throw std::logic_error("unreachable");
}

}  // namespace llmgw::router_builtin

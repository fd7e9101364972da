#include "routing/router.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <llmgw/json_depth.hpp>

#include <stdexcept>
#include <vector>

#include "routing/weighted_pick.hpp"

namespace llmgw::routing {
namespace {

/// The default strategy, which the core serves itself when no router plugin implements it.
constexpr std::string_view kBuiltinStrategy = "simple-shuffle";

/// create()'s config: {"strategy": "<name>", "args": {routing_strategy_args}}.
std::string router_config_json(const config::RouterSettings& s) {
  rapidjson::Document args;
  // Bounded, so that Accept's walk is too: the arguments come from the config file.
  const llmgw::JsonResult parsed = llmgw::parse_bounded(args, s.routing_strategy_args_json);
  if (parsed.too_deep())
    throw std::runtime_error("router_settings.routing_strategy_args nest deeper than " +
                             std::to_string(llmgw::kJsonMaxDepth) + " levels");
  if (!parsed || !args.IsObject()) args.SetObject();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("strategy");
  w.String(s.routing_strategy.c_str(), static_cast<rapidjson::SizeType>(s.routing_strategy.size()));
  w.Key("args");
  args.Accept(w);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

Router::Router(const config::RouterSettings& settings, const loader::Registry& registry)
    : strategy_(settings.routing_strategy) {
  if (registry.router_for(strategy_)) {
    plugin_ = registry.create_router(strategy_, router_config_json(settings));
    spdlog::info("routing strategy {} (plugin {})", strategy_, plugin_->plugin().name());
  } else if (strategy_ != kBuiltinStrategy) {
    throw loader::PluginError("router_settings.routing_strategy " + strategy_ +
                               ": no loaded router plugin implements it (load router-builtin: "
                               "plugins.load: [router-builtin], or the plugin that provides it)");
  }
}

Router::~Router() = default;

std::span<llmgw_candidate> Router::candidate_buffer(std::size_t n) {
  thread_local std::vector<llmgw_candidate> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return std::span<llmgw_candidate>(buffer.data(), n);
}

std::size_t Router::choose(std::span<const llmgw_candidate> candidates, std::string_view alias, bool stream,
                           int64_t now_unix_ms) {
  const uint64_t random = pick_random();
  if (!plugin_) return weighted_pick(candidates, random);
  llmgw_pick_request request{};
  request.struct_size = sizeof request;
  request.model = llmgw_str{alias.data(), alias.size()};
  request.candidates = candidates.data();
  request.count = candidates.size();
  request.candidate_size = sizeof(llmgw_candidate);
  request.random = random;
  request.is_stream = stream ? 1 : 0;
  request.now_ms = now_unix_ms;
  std::size_t chosen = candidates.size();
  const llmgw_status status = plugin_->vtable().pick(plugin_->instance(), &request, &chosen);
  if (status == LLMGW_OK && chosen < candidates.size()) return chosen;
  fallbacks_.fetch_add(1, std::memory_order_relaxed);
  if (!fallback_logged_.load(std::memory_order_relaxed) && !fallback_logged_.exchange(true)) {
    spdlog::warn("router plugin {} failed a pick for {} (status {}, index {} of {}): picking by weight; "
                 "later failures are counted, not logged",
                 plugin_->plugin().name(), alias, status, chosen, candidates.size());
  }
  return weighted_pick(candidates, random);
}

}  // namespace llmgw::routing

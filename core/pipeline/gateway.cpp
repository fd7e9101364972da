#include "pipeline/gateway.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <random>

#include <spdlog/spdlog.h>

namespace llmgw::pipeline {
namespace {

/// The JSON handed to a provider's create(): see llmgw_provider_vtable.create.
std::string provider_config_json(const config::Deployment& d) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("provider"); w.String(d.provider.c_str(), static_cast<rapidjson::SizeType>(d.provider.size()));
  w.Key("model"); w.String(d.model.c_str(), static_cast<rapidjson::SizeType>(d.model.size()));
  w.Key("api_base"); w.String(d.api_base.c_str(), static_cast<rapidjson::SizeType>(d.api_base.size()));
  w.Key("api_key"); w.String(d.api_key.c_str(), static_cast<rapidjson::SizeType>(d.api_key.size()));
  w.Key("api_version"); w.String(d.api_version.c_str(), static_cast<rapidjson::SizeType>(d.api_version.size()));
  w.Key("extra");
  rapidjson::Document extra;
  extra.Parse(d.extra_json.c_str());
  if (extra.HasParseError() || !extra.IsObject()) extra.SetObject();
  extra.Accept(w);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

Gateway::Gateway(const config::Config& config, const plugins::Registry& registry) {
  for (const auto& cfg : config.deployments) {
    auto d = std::make_unique<Deployment>();
    d->cfg = cfg;
    if (!registry.provider_for(cfg.provider))
      throw plugins::PluginError("deployment " + cfg.id + " (" + config.source_path + ":" +
                                 std::to_string(cfg.line) + "): no loaded plugin serves provider '" +
                                 cfg.provider + "' (add its plugin under plugins.load)");
    d->provider = registry.create_provider(cfg.provider, provider_config_json(cfg), cfg.id);
    auto [it, inserted] = pools_.try_emplace(cfg.alias);
    if (inserted) aliases_.push_back(cfg.alias);
    it->second.push_back(d.get());
    deployments_.push_back(std::move(d));
  }
  for (const auto& [from, to] : config.model_group_alias) {
    group_alias_.emplace(from, to);
    if (!pools_.count(from)) aliases_.push_back(from);
  }
  for (const auto& [alias, chain] : config.fallbacks) {
    auto& pools = fallbacks_[alias];
    for (const auto& target : chain) {
      if (const Pool* p = pool(target)) pools.push_back(p);
      else spdlog::warn("fallbacks of '{}': '{}' is not a configured model; skipped", alias, target);
    }
  }
}

void Gateway::attempt_order(std::string_view alias, const Pool& pool, std::vector<Deployment*>& order) {
  order.clear();
  auto add_pool = [&](const Pool& p, Deployment* first) {
    auto add = [&](Deployment* d) {
      if (std::find(order.begin(), order.end(), d) == order.end()) order.push_back(d);
    };
    add(first);
    for (Deployment* d : p) add(d);
  };
  add_pool(pool, &pick(pool));
  if (auto fb = fallbacks_.find(alias); fb != fallbacks_.end())
    for (const Pool* p : fb->second) add_pool(*p, &pick(*p));
}

const Pool* Gateway::pool(std::string_view alias) const {
  auto it = pools_.find(alias);
  if (it != pools_.end()) return &it->second;
  auto ga = group_alias_.find(alias);
  if (ga == group_alias_.end()) return nullptr;
  it = pools_.find(ga->second);
  return it == pools_.end() ? nullptr : &it->second;
}

Deployment& Gateway::pick(const Pool& pool) {
  if (pool.size() == 1) return *pool.front();
  // Weighted choice; the strategy plugins of the routing issue replace this.
  uint64_t total = 0;
  for (const auto* d : pool) total += static_cast<uint64_t>(std::max(d->cfg.weight, 0));
  if (total == 0) return *pool[pick_counter_.fetch_add(1, std::memory_order_relaxed) % pool.size()];
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t r = rng() % total;
  for (auto* d : pool) {
    uint64_t w = static_cast<uint64_t>(std::max(d->cfg.weight, 0));
    if (r < w) return *d;
    r -= w;
  }
  return *pool.back();
}

}  // namespace llmgw::pipeline

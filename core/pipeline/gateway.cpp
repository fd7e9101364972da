#include "pipeline/gateway.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
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

namespace {
int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Gateway::Gateway(const config::Config& config, const plugins::Registry& registry)
    : allowed_fails_(config.allowed_fails), cooldown_ms_(static_cast<int64_t>(config.cooldown_time_s * 1000)) {
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

void Gateway::attempt_order(std::string_view alias, const Pool& pool, std::vector<Deployment*>& order,
                            int64_t& retry_in_ms, std::size_t& candidates) {
  order.clear();
  const int64_t now = steady_ms();
  retry_in_ms = -1;
  candidates = 0;
  thread_local std::vector<const Deployment*> seen;
  seen.clear();
  auto add_pool = [&](const Pool& p, Deployment* first) {
    auto add = [&](Deployment* d) {
      if (std::find(seen.begin(), seen.end(), d) != seen.end()) return;
      seen.push_back(d);
      ++candidates;
      const int64_t until = d->state.cooldown_until_ms.load(std::memory_order_relaxed);
      if (until > now) {  // cooling down: skipped; remember when the first one returns
        if (retry_in_ms < 0 || until - now < retry_in_ms) retry_in_ms = until - now;
        return;
      }
      order.push_back(d);
    };
    add(first);
    for (Deployment* d : p) add(d);
  };
  add_pool(pool, &pick(pool));
  if (auto fb = fallbacks_.find(alias); fb != fallbacks_.end())
    for (const Pool* p : fb->second) add_pool(*p, &pick(*p));
}

void Gateway::record_attempt(Deployment& d, bool failed, int64_t retry_after_ms, bool has_alternatives) {
  if (!failed) {
    if (d.state.consecutive_failures.load(std::memory_order_relaxed) != 0) d.state.consecutive_failures.store(0);
    return;
  }
  // A deployment with nothing to stand in for it is never taken out: its own answers (and
  // their Retry-After) reach the client, which can wait as told.
  if (!has_alternatives) return;
  int64_t cool_ms = 0;
  if (retry_after_ms >= 0) cool_ms = retry_after_ms;
  if (d.state.consecutive_failures.fetch_add(1) + 1 >= allowed_fails_) {
    cool_ms = std::max(cool_ms, cooldown_ms_);
    d.state.consecutive_failures.store(0);
  }
  if (cool_ms <= 0) return;
  const int64_t until = steady_ms() + cool_ms;
  int64_t current = d.state.cooldown_until_ms.load();
  while (current < until && !d.state.cooldown_until_ms.compare_exchange_weak(current, until)) {}
  spdlog::warn("deployment {} cooling down for {} ms", d.cfg.id, cool_ms);
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

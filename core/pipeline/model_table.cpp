#include "pipeline/model_table.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>

#include <llmgw/json_depth.hpp>
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
  // Bounded, so that Accept's walk is too: the settings come from the config file.
  const llmgw::JsonResult parsed = llmgw::parse_bounded(extra, d.extra_json);
  if (parsed.too_deep())
    throw std::runtime_error("deployment " + d.id + ": its settings nest deeper than " +
                             std::to_string(llmgw::kJsonMaxDepth) + " levels");
  if (!parsed || !extra.IsObject()) extra.SetObject();
  extra.Accept(w);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

/// Each deployment's effective weight in its pool: the weights given (1 where one is missing),
/// or, when none is given, rpm if every deployment has one, else tpm likewise, else 1 each —
/// LiteLLM's simple-shuffle, so a migrated config splits traffic as it did.
void settle_weights(const Pool& pool) {
  const bool any_weight = std::any_of(pool.begin(), pool.end(), [](const Deployment* d) { return d->cfg.weight >= 0; });
  const bool all_rpm = std::all_of(pool.begin(), pool.end(), [](const Deployment* d) { return d->cfg.rpm > 0; });
  const bool all_tpm = std::all_of(pool.begin(), pool.end(), [](const Deployment* d) { return d->cfg.tpm > 0; });
  for (Deployment* d : pool) {
    int& w = d->cfg.weight;
    if (any_weight) w = w >= 0 ? w : 1;
    else if (all_rpm) w = d->cfg.rpm;
    else if (all_tpm) w = d->cfg.tpm;
    else w = 1;
  }
}

}  // namespace

ModelTable::ModelTable(const config::Config& config, const loader::Registry& registry) {
  // A deployment that cannot be served (no plugin for its provider, or settings its plugin
  // refuses: a malformed key, an unreadable credentials file, no region): as LiteLLM, which loads
  // it and fails only when called, a warning naming file and line, and the rest of the config
  // serves; strict_config refuses it instead.
  auto skip = [&](const auto& cfg, const std::string& reason, std::string_view strict_hint) {
    const std::string why = config.source_path + ":" + std::to_string(cfg.line) + ": " + reason;
    if (config.server.strict_config) throw loader::PluginError(why + std::string(strict_hint));
    spdlog::warn("{}; skipped (server.strict_config or --strict refuses it)", why);
    skipped_.push_back(why);
  };
  for (const auto& cfg : config.deployments) {
    auto d = std::make_unique<Deployment>();
    d->cfg = cfg;
    if (!registry.provider_for(cfg.provider)) {
      skip(cfg, "deployment " + cfg.id + ": no loaded plugin serves provider '" + cfg.provider + "'",
           " (add its plugin under plugins.load)");
      continue;
    }
    try {
      d->provider = registry.create_provider(cfg.provider, provider_config_json(cfg), cfg.id);
    } catch (const loader::PluginError& e) {
      skip(cfg, e.what(), "");
      continue;
    }
    auto [it, inserted] = pools_.try_emplace(cfg.alias);
    if (inserted) aliases_.push_back(cfg.alias);
    it->second.push_back(d.get());
    deployments_.push_back(std::move(d));
  }
  for (auto& [alias, p] : pools_) settle_weights(p);
  for (const auto& [from, to] : config.model_group_alias) {
    group_alias_.emplace(from, to);
    if (!pools_.count(from)) aliases_.push_back(from);
  }
  // Fallback chains name aliases; an unknown one is reported now and skipped at run time.
  auto keep = [&](const char* what, const auto& from, Chains& to) {
    for (const auto& [alias, chain] : from) {
      for (const auto& target : chain)
        if (!pool(target)) spdlog::warn("{} of '{}': '{}' is not a configured model; skipped", what, alias, target);
      to.emplace(alias, chain);
    }
  };
  keep("fallbacks", config.fallbacks, fallbacks_);
  keep("context_window_fallbacks", config.context_window_fallbacks, context_window_fallbacks_);
  keep("content_policy_fallbacks", config.content_policy_fallbacks, content_policy_fallbacks_);
}

const Pool* ModelTable::pool(std::string_view alias) const {
  auto it = pools_.find(alias);
  if (it != pools_.end()) return &it->second;
  auto ga = group_alias_.find(alias);
  if (ga == group_alias_.end()) return nullptr;
  it = pools_.find(ga->second);
  return it == pools_.end() ? nullptr : &it->second;
}

const std::vector<std::string>* ModelTable::chain(Chain kind, std::string_view alias) const {
  const Chains& chains = kind == Chain::Fallbacks       ? fallbacks_
                         : kind == Chain::ContextWindow ? context_window_fallbacks_
                                                        : content_policy_fallbacks_;
  auto it = chains.find(alias);
  return it == chains.end() ? nullptr : &it->second;
}

}  // namespace llmgw::pipeline

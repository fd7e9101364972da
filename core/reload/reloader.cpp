#include "reload/reloader.hpp"

#include <spdlog/spdlog.h>

#include "reload/runtime_builder.hpp"
#include "reload/shared_state_start.hpp"
#include "reload/state_carry_over.hpp"
#include "util/json_escape.hpp"

namespace llmgw::reload {

std::string ReloadResult::json(const std::string& config_path) const {
  std::string out = "{\"reloaded\":";
  out.append(ok ? "true" : "false").append(",\"config\":");
  util::append_json_string(out, config_path);
  if (ok) {
    // The changes' own keys, flattened beside "reloaded" (restart_needed among them).
    const std::string changes_json = to_json(changes);
    out.push_back(',');
    out.append(changes_json, 1, changes_json.size() - 2);
  } else {
    out.append(",\"error\":");
    util::append_json_string(out, error);
  }
  out.append(",\"warnings\":[");
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    if (i) out.push_back(',');
    util::append_json_string(out, warnings[i]);
  }
  out.append("]}");
  return out;
}

Reloader::Reloader(frontends::RuntimeSlot& slot, ReloaderOptions options) : slot_(slot), options_(std::move(options)) {}

Reloader::~Reloader() { stop(); }

void Reloader::start(const config::Config& cfg) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<frontends::Runtime> runtime = build_runtime(cfg, options_.price_table(cfg), options_.services);
  runtime->gateway->start_credential_exchange();
  redis_ = cfg.redis;
  sync_ = start_shared_state(redis_, cfg, *runtime->gateway);
  running_ = cfg;
  slot_.publish(std::move(runtime));
}

ReloadResult Reloader::reload() {
  std::lock_guard lock(mutex_);
  ReloadResult result;
  spdlog::info("reload: reading {}", options_.config_path);
  std::unique_ptr<frontends::Runtime> runtime;
  config::Config cfg;
  // The snapshot serving now: its unchanged sinks go on in the new one.
  std::shared_ptr<const frontends::Runtime> old = slot_.current();
  try {
    cfg = config::load_file(options_.config_path);
    if (options_.overrides) options_.overrides(cfg);
    result.warnings = cfg.warnings;
    if (cfg.server.strict_config && !cfg.skipped_deployments.empty()) {
      std::string why = "server.strict_config: deployments that cannot be served:";
      for (const auto& s : cfg.skipped_deployments) why.append(" ").append(s).append(";");
      why.pop_back();
      throw config::ConfigError(why);
    }
    runtime = build_runtime(cfg, options_.price_table(cfg), options_.services, old.get());
  } catch (const std::exception& e) {
    result.error = e.what();
    spdlog::error("reload refused, the running config stays: {}", result.error);
    return result;
  }
  for (const auto& w : cfg.warnings) spdlog::warn("{}", w);
  result.changes = diff_configs(running_, cfg, options_.charging);
  const std::size_t carried = old ? carry_over(*old->gateway, *runtime->gateway, result.changes.deployments.changed) : 0;
  runtime->gateway->start_credential_exchange();
  // The Redis sync follows the new deployments: the new one starts before the swap, the old one
  // (pointing at the old gateway's state) stops right after it, while `old` keeps that alive.
  std::unique_ptr<shared_state::SharedStateSync> sync;
  if (redis_.enabled()) sync = start_shared_state(redis_, cfg, *runtime->gateway);
  const std::size_t kept_sinks = runtime->telemetry->kept();
  // What the sinks really did: a plugin config: that changed under no sink leaves every sink
  // kept, which the config diff alone cannot tell.
  result.changes.sinks = runtime->telemetry->sinks_changed(old ? old->telemetry.get() : nullptr);
  slot_.publish(std::move(runtime));
  if (sync_) sync_->stop();
  sync_ = std::move(sync);
  running_ = std::move(cfg);
  result.ok = true;
  spdlog::info("reload: config {} now serving ({}; live state of {} deployment(s) carried over, {} sink(s) kept)",
               options_.config_path, summary(result.changes), carried, kept_sinks);
  if (!result.changes.restart_needed.empty()) {
    std::string keys;
    for (const auto& k : result.changes.restart_needed) keys.append(keys.empty() ? "" : ", ").append(k);
    spdlog::warn("reload: restart needed for: {} (the running values stay until then)", keys);
  }
  return result;
}

void Reloader::stop() {
  std::lock_guard lock(mutex_);
  if (sync_) sync_->stop();
}

}  // namespace llmgw::reload

// Hot reload: re-reads the config file, builds a whole new runtime snapshot from it (plugins,
// gateway, guardrails, sinks, prices: reload/runtime_builder), carries the live state of the
// deployments it keeps over (reload/state_carry_over), restarts the Redis sync on the new
// deployments, and publishes the snapshot in one atomic swap (frontends/runtime): requests
// that started before finish on the old one, which is destroyed after the last of them. Any
// error before the swap — YAML, schema, a deployment strict_config refuses, an unknown or
// failing plugin — is refused with its message and the old snapshot keeps serving. What this
// process cannot take without a restart is reported (reload/config_changes), never applied in
// part. SIGHUP (main) and POST /admin/reload (reload/reload_endpoint) both call reload();
// reloads run one at a time, on the caller's thread (they block: never on an event loop).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "frontends/runtime.hpp"
#include "pricing/price_table.hpp"
#include "reload/config_changes.hpp"
#include "shared_state/shared_state_sync.hpp"

namespace llmgw::reload {

struct ReloaderOptions {
  std::string config_path;
  /// Applied to every config read (the command line's --host, --port, --strict).
  std::function<void(config::Config&)> overrides;
  /// The price table deployments are priced from (re-read per reload without a database).
  std::function<pricing::PriceTable(const config::Config&)> price_table;
  /// The accounting's services that outlive snapshots (ledger, reservations, key cache).
  frontends::Accounting services;
  bool charging = false;  // a database is configured
};

struct ReloadResult {
  bool ok = false;
  std::string error;             // why it was refused (ok == false)
  ConfigChanges changes;         // ok == true
  std::vector<std::string> warnings;  // the new config's warnings
  /// {"reloaded":true,"config":"…","changes":{…},"restart_needed":[…],"warnings":[…]}
  std::string json(const std::string& config_path) const;
};

class Reloader {
 public:
  Reloader(frontends::RuntimeSlot& slot, ReloaderOptions options);
  ~Reloader();

  /// Builds and publishes the first snapshot from `cfg` (already read and overridden) and starts
  /// the Redis sync (router_settings.redis_*) and the credential exchanges. Throws on errors.
  void start(const config::Config& cfg);
  /// Reads the config file again and swaps to it, or refuses. Logs either way. Blocking.
  ReloadResult reload();
  /// Stops the Redis sync (before shutdown).
  void stop();

  const std::string& config_path() const { return options_.config_path; }

 private:
  frontends::RuntimeSlot& slot_;
  ReloaderOptions options_;
  std::mutex mutex_;                  // one reload at a time
  config::Config running_;            // the config the published snapshot was built from
  config::RedisSettings redis_;       // the Redis the process started with (a change needs a restart)
  std::unique_ptr<shared_state::SharedStateSync> sync_;
};

}  // namespace llmgw::reload

// Config → runtime snapshot (frontends/runtime.hpp): the plugins loaded (each plugins.load
// config: checked against its schema before any create), one provider instance per deployment,
// the routing strategy, the guardrail chain, the sinks started, the deployment prices. Used at
// start, by --check-config and by every reload; throws on the first error (nothing half-built
// is left running: a snapshot that fails part-way stops what it started).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "frontends/runtime.hpp"
#include "loader/registry.hpp"
#include "pricing/price_table.hpp"

namespace llmgw::reload {

/// Loads every configured plugin into `registry` (with no plugins.load: every plugin in the
/// plugin folders) and checks each entry's config: against its schema. Fills `plugin_configs`
/// (descriptor name → config JSON, for sinks:). Throws loader::PluginError, config::ConfigError.
void load_plugins(const config::Config& cfg, loader::Registry& registry,
                  std::map<std::string, std::string>& plugin_configs);

/// The whole snapshot for `cfg`. `prices`: the price table the deployments are priced from;
/// `services`: the accounting's services that outlive every snapshot (the ledger, the budget
/// reservations, the key cache; its prices and budget settings are taken from `cfg`). Sinks
/// run from here on. Throws what load_plugins, Gateway, the guard chain or a sink's create throws.
/// `previous`: the snapshot a reload replaces; its sinks whose entries did not change are kept
/// (shared, not created again: telemetry/telemetry.hpp).
std::unique_ptr<frontends::Runtime> build_runtime(const config::Config& cfg, const pricing::PriceTable& prices,
                                                  const frontends::Accounting& services,
                                                  const frontends::Runtime* previous = nullptr);

}  // namespace llmgw::reload

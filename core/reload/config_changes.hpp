// What a reload changes: the old config against the new one, in the terms an operator reads —
// aliases and deployments added, removed or changed; fallbacks, routing, guardrails, sinks,
// plugins, budget settings changed — and what this process cannot take without a restart (the
// listen address, the event loops and every other server setting, the log level, the master key,
// the database, Redis, the rate-limit settings, the price files when a database charges calls),
// each named by its config key. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace llmgw::reload {

struct NameChanges {
  std::vector<std::string> added, removed, changed;  // each sorted
  bool any() const { return !added.empty() || !removed.empty() || !changed.empty(); }
};

struct ConfigChanges {
  NameChanges aliases;      // model names clients send (model_group_alias names included)
  NameChanges deployments;  // by deployment id
  bool fallbacks = false;   // fallbacks, context_window_fallbacks, content_policy_fallbacks
  bool router = false;      // router_settings that shape routing (strategy, retries, timeouts, cooldowns)
  bool guardrails = false;  // guardrails: entries, or the config: of a plugin one of them runs
  /// sinks: entries, or the config: of a plugin one of them runs (may be; the reloader sets it to
  /// whether a sink was created, dropped or replaced: Telemetry::sinks_changed)
  bool sinks = false;
  bool plugins = false;     // plugins.load / plugins.dirs
  bool budgets = false;     // max_budget_reservation, budget_enforcement
  /// Config keys whose new value is not used until a restart ("server.port", "master_key"…).
  std::vector<std::string> restart_needed;
};

/// `charging`: a database is configured (its price table was read at start and is kept).
ConfigChanges diff_configs(const config::Config& before, const config::Config& after, bool charging);

/// {"aliases":{"added":[…],"removed":[…],"changed":[…]},"deployments":{…},"fallbacks":bool,
///  "router_settings":bool,"guardrails":bool,"sinks":bool,"plugins":bool,"budgets":bool,
///  "restart_needed":[…]}
std::string to_json(const ConfigChanges& changes);

/// One line for the log: "aliases +B ~A, deployments +A#1 -A#0, fallbacks" or "nothing".
std::string summary(const ConfigChanges& changes);

}  // namespace llmgw::reload

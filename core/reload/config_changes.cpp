#include "reload/config_changes.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "util/json_escape.hpp"

namespace llmgw::reload {
namespace {

/// Everything of a deployment that reaches its provider instance or the router.
auto deployment_key(const config::Deployment& d) {
  return std::tie(d.alias, d.provider, d.model, d.api_base, d.api_key, d.api_version, d.rpm, d.tpm, d.timeout_s,
                  d.stream_timeout_s, d.first_byte_timeout_s, d.connect_timeout_ms, d.weight, d.input_cost_per_token,
                  d.output_cost_per_token, d.price_text.input, d.price_text.output, d.price_text.cache_read,
                  d.price_text.cache_write, d.price_text.reasoning, d.extra_json);
}

template <class Key>
NameChanges compare(const std::map<std::string, Key>& before, const std::map<std::string, Key>& after) {
  NameChanges out;
  for (const auto& [name, value] : after) {
    const auto it = before.find(name);
    if (it == before.end()) out.added.push_back(name);
    else if (!(it->second == value)) out.changed.push_back(name);
  }
  for (const auto& [name, value] : before)
    if (!after.contains(name)) out.removed.push_back(name);
  return out;  // std::map: each list sorted already
}

/// Alias → the ids and contents of its deployments (a model_group_alias name → its target).
std::map<std::string, std::string> aliases_of(const config::Config& cfg) {
  std::map<std::string, std::string> out;
  for (const auto& d : cfg.deployments) {
    std::string& entry = out[d.alias];
    entry += d.id;
    entry.push_back('\0');
  }
  for (const auto& [name, target] : cfg.model_group_alias) out[name] += "\x01" + target;
  return out;
}

bool router_differs(const config::RouterSettings& a, const config::RouterSettings& b) {
  return std::tie(a.routing_strategy, a.routing_strategy_args_json, a.num_retries, a.retry_after_s, a.timeout_s,
                  a.stream_timeout_s, a.max_retry_wait_s, a.max_fallbacks, a.max_retry_after_s, a.disable_cooldowns) !=
         std::tie(b.routing_strategy, b.routing_strategy_args_json, b.num_retries, b.retry_after_s, b.timeout_s,
                  b.stream_timeout_s, b.max_retry_wait_s, b.max_fallbacks, b.max_retry_after_s, b.disable_cooldowns);
}

/// The config: of each plugins.load entry by its path (what a guardrail or sink is created from).
std::map<std::string, std::string> plugin_configs(const config::Config& cfg) {
  std::map<std::string, std::string> out;
  for (const auto& p : cfg.plugins) out[p.path] = p.config_json;
  return out;
}

void server_changes(const config::ServerSettings& a, const config::ServerSettings& b, std::vector<std::string>& out) {
#define LLMGW_SERVER_FIELD(field) \
  if (a.field != b.field) out.push_back("server." #field);
  LLMGW_SERVER_FIELD(host)
  LLMGW_SERVER_FIELD(port)
  LLMGW_SERVER_FIELD(event_loops)
  LLMGW_SERVER_FIELD(max_connections)
  LLMGW_SERVER_FIELD(drain_timeout_ms)
  LLMGW_SERVER_FIELD(max_threads)
  LLMGW_SERVER_FIELD(max_queued)
  LLMGW_SERVER_FIELD(keepalive_timeout_s)
  LLMGW_SERVER_FIELD(max_keepalive_requests)
  LLMGW_SERVER_FIELD(max_body_bytes)
  LLMGW_SERVER_FIELD(read_timeout_ms)
  LLMGW_SERVER_FIELD(write_timeout_ms)
  LLMGW_SERVER_FIELD(request_head_timeout_ms)
  LLMGW_SERVER_FIELD(request_body_timeout_ms)
  LLMGW_SERVER_FIELD(max_header_bytes)
  LLMGW_SERVER_FIELD(public_metrics)
  LLMGW_SERVER_FIELD(thread_stack_kb)
  LLMGW_SERVER_FIELD(max_json_depth)
#undef LLMGW_SERVER_FIELD
  // max_upstream_body_bytes, max_stream_event_bytes: read by each Gateway, so they reload;
  // strict_config: read by every reload.
}

void append_list(std::string& out, const char* name, const std::vector<std::string>& items) {
  out.push_back('"');
  out.append(name).append("\":[");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    util::append_json_string(out, items[i]);
  }
  out.push_back(']');
}

void append_names(std::string& out, const char* name, const NameChanges& c) {
  out.push_back('"');
  out.append(name).append("\":{");
  append_list(out, "added", c.added);
  out.push_back(',');
  append_list(out, "removed", c.removed);
  out.push_back(',');
  append_list(out, "changed", c.changed);
  out.push_back('}');
}

void summarize(std::string& out, const char* name, const NameChanges& c) {
  if (!c.any()) return;
  if (!out.empty()) out += ", ";
  out += name;
  for (const auto& n : c.added) out += " +" + n;
  for (const auto& n : c.removed) out += " -" + n;
  for (const auto& n : c.changed) out += " ~" + n;
}

}  // namespace

ConfigChanges diff_configs(const config::Config& before, const config::Config& after, bool charging) {
  ConfigChanges c;
  c.aliases = compare(aliases_of(before), aliases_of(after));
  std::map<std::string, decltype(deployment_key(before.deployments.front()))> da, db;
  for (const auto& d : before.deployments) da.emplace(d.id, deployment_key(d));
  for (const auto& d : after.deployments) db.emplace(d.id, deployment_key(d));
  c.deployments = compare(da, db);
  // An alias whose deployments kept their ids but changed is changed too.
  std::set<std::string> changed(c.aliases.changed.begin(), c.aliases.changed.end());
  for (const auto& d : after.deployments)
    if (std::binary_search(c.deployments.changed.begin(), c.deployments.changed.end(), d.id) &&
        !std::binary_search(c.aliases.added.begin(), c.aliases.added.end(), d.alias))
      changed.insert(d.alias);
  c.aliases.changed.assign(changed.begin(), changed.end());

  c.fallbacks = before.fallbacks != after.fallbacks || before.context_window_fallbacks != after.context_window_fallbacks ||
                before.content_policy_fallbacks != after.content_policy_fallbacks;
  c.router = router_differs(before.router, after.router) || before.allowed_fails != after.allowed_fails ||
             before.cooldown_time_s != after.cooldown_time_s;
  c.plugins = before.plugin_dirs != after.plugin_dirs || plugin_configs(before) != plugin_configs(after);
  const auto guard_key = [](const config::GuardrailSpec& g) {
    return std::tie(g.plugin, g.aliases, g.keys, g.teams, g.input, g.output);
  };
  const auto sink_key = [](const config::SinkSpec& s) {
    return std::tie(s.plugin, s.config_json, s.aliases, s.keys, s.teams, s.queue_size, s.include_bodies);
  };
  const auto same_list = [](const auto& a, const auto& b, const auto& key) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [&](const auto& x, const auto& y) { return key(x) == key(y); });
  };
  // A plugin's config: changed under the same path: its guardrails and sinks are new instances.
  c.guardrails = !same_list(before.guardrails, after.guardrails, guard_key) || (c.plugins && !after.guardrails.empty());
  c.sinks = !same_list(before.sinks, after.sinks, sink_key) || (c.plugins && !after.sinks.empty());
  c.budgets = before.max_budget_reservation != after.max_budget_reservation ||
              before.budget_enforcement != after.budget_enforcement;

  server_changes(before.server, after.server, c.restart_needed);
  auto& r = c.restart_needed;
  if (before.log_level != after.log_level) r.push_back("log_level");
  if (before.master_key != after.master_key) r.push_back("general_settings.master_key");
  if (before.database_url != after.database_url) r.push_back("general_settings.database_url");
  if (before.ledger_spool_path != after.ledger_spool_path) r.push_back("general_settings.ledger_spool_path");
  if (charging && before.model_prices_path != after.model_prices_path) r.push_back("general_settings.model_prices");
  if (before.rate_limit_fail_closed != after.rate_limit_fail_closed) r.push_back("general_settings.rate_limit_fail_closed");
  if (before.rate_limit_redis_timeout_ms != after.rate_limit_redis_timeout_ms)
    r.push_back("general_settings.rate_limit_redis_timeout_ms");
  if (before.admission_lease_calls != after.admission_lease_calls) r.push_back("general_settings.admission_lease_calls");
  const auto& ra = before.redis;
  const auto& rb = after.redis;
  if (std::tie(ra.host, ra.port, ra.password, ra.db) != std::tie(rb.host, rb.port, rb.password, rb.db))
    r.push_back("router_settings.redis");
  return c;
}

std::string to_json(const ConfigChanges& c) {
  std::string out = "{";
  append_names(out, "aliases", c.aliases);
  out.push_back(',');
  append_names(out, "deployments", c.deployments);
  const auto flag = [&](const char* name, bool v) { out.append(",\"").append(name).append("\":").append(v ? "true" : "false"); };
  flag("fallbacks", c.fallbacks);
  flag("router_settings", c.router);
  flag("guardrails", c.guardrails);
  flag("sinks", c.sinks);
  flag("plugins", c.plugins);
  flag("budgets", c.budgets);
  out.push_back(',');
  append_list(out, "restart_needed", c.restart_needed);
  out.push_back('}');
  return out;
}

std::string summary(const ConfigChanges& c) {
  std::string out;
  summarize(out, "aliases", c.aliases);
  summarize(out, "deployments", c.deployments);
  for (const auto& [name, v] : {std::pair{"fallbacks", c.fallbacks}, {"router_settings", c.router},
                                {"guardrails", c.guardrails}, {"sinks", c.sinks}, {"plugins", c.plugins},
                                {"budgets", c.budgets}})
    if (v) out.append(out.empty() ? "" : ", ").append(name);
  return out.empty() ? "nothing" : out;
}

}  // namespace llmgw::reload

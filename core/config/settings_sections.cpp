// LiteLLM's router_settings, general_settings, litellm_settings and environment_variables.
#include <cstdlib>

#include "config/litellm_keys.hpp"
#include "config/secrets.hpp"
#include "config/sections.hpp"
#include "config/yaml_json.hpp"

namespace llmgw::config::detail {
namespace {

/// model_group_alias values: "target" or {model: target, hidden: bool} (LiteLLM accepts both).
std::string alias_target(Reader& r, const Entry& e, const std::string& path) {
  if (!e.value.IsMap()) return r.required_string(e, path);
  std::string target;
  for (const Entry& f : r.entries(e.value, e.at, path)) {
    const std::string p = join(path, f.key);
    if (f.key == "model") {
      target = r.required_string(f, p);
    } else if (f.key == "hidden") {
      r.not_supported(f, p);
    } else {
      r.unknown_key(f, p);
    }
  }
  if (target.empty()) r.fail(e.at, join(path, "model"), "required key is missing");
  return target;
}

/// redis://[:password@]host[:port][/db] (rediss:// is refused: no TLS to Redis yet), or a Unix
/// domain socket (a sidecar Redis; redis-cli -s): unix://[:password@]/path/redis.sock[?db=N],
/// held as a host that is an absolute path.
void parse_redis_url(Reader& r, const Entry& e, const std::string& path, RedisSettings& out) {
  std::string url;
  r.read(e, path, url);
  if (url.empty()) return;
  const std::string scheme = "redis://", unix_scheme = "unix://";
  const bool unix_socket = url.rfind(unix_scheme, 0) == 0;
  if (!unix_socket && url.rfind(scheme, 0) != 0)
    r.fail(e.at, path, "expected redis://[:password@]host[:port][/db] or unix:///path/redis.sock[?db=N]");
  std::string rest = url.substr(unix_socket ? unix_scheme.size() : scheme.size());
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = auth.find(':');  // user:password or :password
    out.password = colon == std::string::npos ? auth : auth.substr(colon + 1);
  }
  if (unix_socket) {
    if (auto query = rest.find('?'); query != std::string::npos) {
      const std::string q = rest.substr(query + 1);
      rest = rest.substr(0, query);
      char* end = nullptr;
      const long v = q.rfind("db=", 0) == 0 ? std::strtol(q.c_str() + 3, &end, 10) : -1;
      if (v < 0 || end == q.c_str() + 3 || *end) r.fail(e.at, path, "the only query a unix:// URL takes is ?db=N");
      out.db = static_cast<int>(v);
    }
    if (rest.size() < 2 || rest.front() != '/') r.fail(e.at, path, "the socket's path must be absolute: unix:///path/redis.sock");
    out.host = rest;
    return;
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      char* end = nullptr;
      long v = std::strtol(db.c_str(), &end, 10);
      if (*end || v < 0) r.fail(e.at, path, "the database after '/' must be a number");
      out.db = static_cast<int>(v);
    }
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    char* end = nullptr;
    long v = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (*end || v <= 0 || v > 65535) r.fail(e.at, path, "the port must be between 1 and 65535");
    out.port = static_cast<int>(v);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) r.fail(e.at, path, "the host is missing");
  out.host = rest;
}

}  // namespace

std::string mapping_json(Reader& r, const Entry& e, const std::string& path) {
  std::vector<PathEntry> entries;
  if (e.value.IsNull()) return "{}";
  if (!e.value.IsMap()) r.fail(e.at, path, "expected a mapping");
  for (const Entry& f : r.entries(e.value, e.at, path)) entries.push_back(PathEntry{f, join(path, f.key)});
  return to_json_object(r, entries);
}

void parse_fallbacks(Reader& r, const Entry& e, const std::string& path,
                     std::map<std::string, std::vector<std::string>>& out) {
  // LiteLLM writes [{"alias": ["fallback", ...]}, ...]; a plain mapping is accepted too.
  auto add = [&](const Entry& item, const std::string& p) {
    if (!item.value.IsSequence()) r.fail(item.at, p, "expected a list of model names");
    auto& chain = out[item.key];
    chain.clear();
    for (std::size_t i = 0; i < item.value.size(); ++i) {
      const YAML::Node& n = item.value[i];
      if (!n.IsScalar()) r.fail(n, p + "[" + std::to_string(i) + "]", "expected a model name");
      chain.push_back(n.Scalar());
    }
  };
  if (e.value.IsMap()) {
    for (const Entry& item : r.entries(e.value, e.at, path)) add(item, join(path, item.key));
    return;
  }
  if (!e.value.IsSequence()) r.fail(e.at, path, "expected a list of {model: [fallbacks]} mappings");
  for (std::size_t i = 0; i < e.value.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    const YAML::Node& m = e.value[i];
    if (!m.IsMap()) r.fail(m, p, "expected a mapping {model: [fallbacks]}");
    for (const Entry& item : r.entries(m, m, p)) add(item, join(p, item.key));
  }
}

void parse_router_settings(Reader& r, const Entry& router, Config& out,
                           std::vector<AliasRef>& aliases) {
  const std::string path = "router_settings";
  for (const Entry& e : r.entries(router.value, router.at, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "model_group_alias") {
      for (const Entry& a : r.entries(e.value, e.at, p)) {
        std::string target = alias_target(r, a, join(p, a.key));
        aliases.push_back(AliasRef{a.key, target, a.at});
        out.model_group_alias[a.key] = std::move(target);
      }
    } else if (e.key == "fallbacks") {
      parse_fallbacks(r, e, p, out.fallbacks);
    } else if (e.key == "context_window_fallbacks") {
      parse_fallbacks(r, e, p, out.context_window_fallbacks);
    } else if (e.key == "content_policy_fallbacks") {
      parse_fallbacks(r, e, p, out.content_policy_fallbacks);
    } else if (e.key == "routing_strategy") {
      r.read(e, p, out.router.routing_strategy);
    } else if (e.key == "routing_strategy_args") {
      out.router.routing_strategy_args_json = mapping_json(r, e, p);
    } else if (e.key == "num_retries") {
      r.read(e, p, out.router.num_retries, 0, 100);
    } else if (e.key == "retry_after") {
      r.read(e, p, out.router.retry_after_s, true);
    } else if (e.key == "timeout") {
      r.read(e, p, out.router.timeout_s, false);
    } else if (e.key == "stream_timeout") {
      r.read(e, p, out.router.stream_timeout_s, true);
    } else if (e.key == "max_retry_wait") {
      r.read(e, p, out.router.max_retry_wait_s, true);
    } else if (e.key == "max_retry_after") {
      r.read(e, p, out.router.max_retry_after_s, false);
    } else if (e.key == "max_fallbacks") {
      r.read(e, p, out.router.max_fallbacks, 0, 100);
    } else if (e.key == "disable_cooldowns") {
      r.read(e, p, out.router.disable_cooldowns);
    } else if (e.key == "redis_host") {
      r.read(e, p, out.redis.host);
    } else if (e.key == "redis_port") {
      r.read(e, p, out.redis.port, 1, 65535);
    } else if (e.key == "redis_password") {
      r.read(e, p, out.redis.password);
    } else if (e.key == "redis_db") {
      r.read(e, p, out.redis.db, 0, 1'000'000);
    } else if (e.key == "redis_url") {
      parse_redis_url(r, e, p, out.redis);
    } else if (e.key == "allowed_fails") {
      r.read(e, p, out.allowed_fails, 1, 1'000'000);
    } else if (e.key == "cooldown_time") {
      r.read(e, p, out.cooldown_time_s, true);
    } else if (litellm_defines(Section::router_settings, e.key)) {
      r.not_supported(e, p);
    } else {
      r.unknown_key(e, p);
    }
  }
}

void parse_general_settings(Reader& r, const Entry& general, Config& out) {
  const std::string path = "general_settings";
  for (const Entry& e : r.entries(general.value, general.at, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "master_key") {
      std::string key;
      r.read(e, p, key, MissingSecret::fail);
      // An explicit but empty key would silently disable auth: say so instead.
      if (key.empty()) r.fail(e.at, p, "is empty; remove the key to run without authentication");
      out.master_key = std::move(key);
    } else if (e.key == "database_url") {
      r.read(e, p, out.database_url, MissingSecret::fail);
    } else if (e.key == "ledger_spool_path") {
      r.read(e, p, out.ledger_spool_path);
    } else if (e.key == "model_prices") {
      r.read(e, p, out.model_prices_path);
    } else if (e.key == "rate_limit_fail_closed") {
      r.read(e, p, out.rate_limit_fail_closed);
    } else if (e.key == "rate_limit_redis_timeout_ms") {
      r.read(e, p, out.rate_limit_redis_timeout_ms, 1, 60'000);
    } else if (e.key == "admission_lease_calls") {
      r.read(e, p, out.admission_lease_calls, 0, 1024);
    } else if (e.key == "max_budget_reservation") {
      double usd = -1;
      r.read(e, p, usd, false);  // validated as a number; kept as its text (read exactly)
      if (usd > 0) out.max_budget_reservation = *r.text(e.value, e.at, p, MissingSecret::warn);
    } else if (e.key == "budget_enforcement") {
      r.read(e, p, out.budget_enforcement);
      if (out.budget_enforcement != "finish" && out.budget_enforcement != "cut")
        r.fail(e.at, p, "expected \"finish\" or \"cut\"");
    } else if (litellm_defines(Section::general_settings, e.key)) {
      r.not_supported(e, p);
    } else {
      r.unknown_key(e, p);
    }
  }
}

void parse_litellm_settings(Reader& r, const Entry& litellm, Config& out) {
  const std::string path = "litellm_settings";
  for (const Entry& e : r.entries(litellm.value, litellm.at, path)) {
    if (e.key == "fallbacks") parse_fallbacks(r, e, join(path, e.key), out.fallbacks);
    else if (e.key == "context_window_fallbacks") parse_fallbacks(r, e, join(path, e.key), out.context_window_fallbacks);
    else if (e.key == "content_policy_fallbacks") parse_fallbacks(r, e, join(path, e.key), out.content_policy_fallbacks);
    else if (e.key == "require_auth_for_metrics_endpoint") {
      // LiteLLM's switch, read as written: an explicit false makes /metrics public.
      bool required = true;
      r.read(e, join(path, e.key), required);
      out.server.public_metrics = !required;
    } else r.not_supported(e, join(path, e.key));
  }
}

void apply_environment_variables(Reader& r, const Entry& variables) {
  const std::string path = "environment_variables";
  for (const Entry& e : r.entries(variables.value, variables.at, path)) {
    const std::string p = join(path, e.key);
    if (!is_valid_env_name(e.key)) r.fail(e.at, p, "is not a valid environment variable name");
    if (!e.value.IsScalar()) r.fail(e.at, p, "expected a single value");
    // The value is taken literally (no os.environ/ lookup) and never appears in a message.
    if (::setenv(e.key.c_str(), e.value.Scalar().c_str(), 1) != 0) {
      r.fail(e.at, p, "could not be set");
    }
  }
}

}  // namespace llmgw::config::detail

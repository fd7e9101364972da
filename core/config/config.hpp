// The gateway's configuration, as loaded from YAML (llmgw's own file or a LiteLLM proxy config).
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace llmgw::config {

/// A configuration error. what() names the bad key and, where known, the file and line:
/// "config/llmgw.yaml:12: model_list[0].litellm_params.model: expected a string".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ServerSettings {
  std::string host = "0.0.0.0";
  int port = 4000;
  int event_loops = 0;             // event-loop threads owning every socket; 0: one per usable core
  int max_connections = 10000;     // open client connections; beyond, new ones are refused (0: no limit)
  int drain_timeout_ms = 30000;    // SIGTERM: in-flight calls and streams may finish this long
  int max_threads = 64;            // accepted for old configs; the event loops replace worker threads
  int max_queued = 4096;           // listen backlog (the kernel cuts it to net.core.somaxconn): a burst of
                                   // connections waits in it instead of being dropped (SYN retried after 1, 2, 4 s)
  int keepalive_timeout_s = 15;    // idle keep-alive connection is closed after this
  int max_keepalive_requests = 10000;
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // larger request bodies get 413
  int read_timeout_ms = 60000;     // longest silence from a client while its request is read
  int write_timeout_ms = 60000;    // client socket send timeout
  /// Deadlines, not per-read timeouts: a request head must be complete this long after its
  /// first byte (after the accept, for a connection's first request), and its body this long
  /// after the head; a client that drips bytes is cut off there (408 and close).
  int request_head_timeout_ms = 10000;
  int request_body_timeout_ms = 60000;
  std::size_t max_header_bytes = 64 * 1024;  // larger request heads get 431
  /// Upstream answers: a whole (non-stream) body over this is a classified upstream error, as
  /// is a stream that goes this far without one whole event (a runaway event).
  std::size_t max_upstream_body_bytes = 64 * 1024 * 1024;
  std::size_t max_stream_event_bytes = 8 * 1024 * 1024;
  /// GET /metrics without the master key (when one is set). Off by default.
  bool public_metrics = false;
  /// Refuse to start when a deployment cannot be served (as `--check-config --strict`);
  /// otherwise such a deployment is a warning and the rest of the config serves.
  bool strict_config = false;
  int thread_stack_kb = 256;       // stack size of worker threads
  /// Deepest nesting of arrays/objects accepted in a client's JSON body (deeper: 400), and in
  /// the upstream answers the core itself parses (deeper: a 502 upstream error). 1..256: the
  /// request scans recurse once per level on the worker's stack.
  int max_json_depth = 128;
};

/// JSON pointer (RFC 6901) into a plugin's config JSON → its 1-based line in the config file
/// (config/json_pointer_lines.hpp).
using JsonPointerLines = std::map<std::string, int, std::less<>>;

/// One plugin library to load. `path` is either a file path (absolute, or relative to the
/// config file's folder) or a bare name such as "provider-openai", looked up as <name>.so in
/// `plugin_dirs`, then in <exe>/../lib/llmgw/plugins.
struct PluginSpec {
  std::string path;
  int line = 0;  // line in the config file, for error messages
  /// The entry's `config:` mapping as JSON, handed to the plugin's create(); "{}" when absent.
  std::string config_json = "{}";  // os.environ/NAME resolved as in litellm_params
  JsonPointerLines config_lines;   // where config_json's values are in the file; empty: no config:
};

/// One `sinks:` entry: a loaded sink plugin (by descriptor name) that receives request events.
struct SinkSpec {
  std::string plugin;               // descriptor name, e.g. "sink-request-log"
  std::string config_json;          // the entry's own `config:` as JSON; empty: the plugins.load entry's
  JsonPointerLines config_lines;    // where config_json's values are in the file; empty: no config:
  std::vector<std::string> aliases; // only events of these aliases; empty: every event
  std::vector<std::string> keys;    // only events of these virtual keys (key_alias); see EntryScope
  std::vector<std::string> teams;   // only events of keys of these teams (team_id); see EntryScope
  std::size_t queue_size = 4096;    // events waiting for the sink thread; more are dropped and counted
  bool include_bodies = false;      // the request body in the event ("request_body")
  int line = 0;
};

/// One `guardrails:` entry: which guardrail plugin runs, on which aliases and callers, in which phases.
/// Entries run in file order.
struct GuardrailSpec {
  std::string plugin;                 // the plugin's descriptor name, e.g. "guardrail-pii"
  std::vector<std::string> aliases;   // aliases it guards (aliases:, or models: deprecated); empty: every alias
  std::vector<std::string> keys;      // virtual keys (key_alias) it guards; see config/entry_scope.hpp
  std::vector<std::string> teams;     // teams (team_id) whose keys it guards; see config/entry_scope.hpp
  bool input = true;                  // phases: input (the request) and output (the answer)
  bool output = true;
  int line = 0;
};

/// One deployment: an upstream model reachable through one provider plugin, under an alias.
struct Deployment {
  std::string alias;          // model_name: what clients send as "model"
  std::string provider;       // prefix of litellm_params.model ("openai" in "openai/gpt-4o")
  std::string model;          // upstream model name ("gpt-4o"); for azure: the deployment name
  std::string api_base;       // empty: the provider's default
  std::string api_key;        // resolved secret (os.environ/NAME already looked up); never logged
  std::string api_version;    // azure
  int rpm = 0;                // 0: unlimited
  int tpm = 0;
  double timeout_s = 600;     // total request timeout
  double stream_timeout_s = 0;  // idle time allowed between stream events; 0: router default, else timeout_s
  double first_byte_timeout_s = 0;  // time to the response headers (TTFT for streams); 0: timeout_s
  int connect_timeout_ms = 5000;
  /// -1: not given. A pool where no deployment gives one is weighted by rpm when every
  /// deployment has one, else by tpm likewise, else evenly (LiteLLM's simple-shuffle).
  int weight = -1;
  /// USD per token, for cost-based routing (litellm_params or model_info
  /// input_cost_per_token / output_cost_per_token); -1: unknown.
  double input_cost_per_token = -1;
  double output_cost_per_token = -1;
  /// The deployment's own prices (USD per token) as the decimal text the config wrote
  /// (litellm_params first, then model_info); "": not given. pricing/deployment_prices reads
  /// them exactly (never through a double) and they win over the price table.
  struct PriceText {
    std::string input, output, cache_read, cache_write, reasoning;
  } price_text;
  std::string extra_json = "{}";  // other litellm_params keys the provider may understand, as JSON
  std::string id;             // unique id: "<alias>#<index>" unless model_info.id is given
  int line = 0;
  /// Why this entry cannot be served ("file:line: path: reason"); empty when it can. Such
  /// entries are moved to Config::skipped_deployments by the loader.
  std::string skip_reason;
};

/// router_settings.redis_*: shared cooldowns and usage counters between gateway instances.
struct RedisSettings {
  std::string host;       // empty (and no url): no Redis, each instance keeps its own state;
                          // an absolute path: a Unix domain socket (port unused)
  int port = 6379;
  std::string password;   // resolved secret; never logged
  int db = 0;
  bool enabled() const { return !host.empty(); }
};

/// router_settings that shape routing, retries and fallbacks.
struct RouterSettings {
  /// A strategy name some loaded router plugin accepts (LiteLLM's routing_strategy values:
  /// simple-shuffle, least-busy, latency-based-routing, usage-based-routing(-v2),
  /// cost-based-routing).
  std::string routing_strategy = "simple-shuffle";
  std::string routing_strategy_args_json = "{}";
  /// Retries of a call on an alias (LiteLLM num_retries). A failed attempt first moves to the
  /// pool's deployments not yet tried (failover, no wait, not a retry); once each was tried,
  /// up to this many more attempts on them after a backoff; then the fallbacks' pools.
  int num_retries = 2;
  /// The least time waited before a retry on a deployment already tried (LiteLLM retry_after),
  /// seconds; backoff grows from it, jittered, and a Retry-After may ask for more.
  double retry_after_s = 0;
  /// Total request deadline (router_settings.timeout), seconds: caps every attempt and wait.
  double timeout_s = 600;
  /// Default idle time between stream events (router_settings.stream_timeout); 0: timeout_s.
  double stream_timeout_s = 0;
  /// The longest a call waits, in one go, for a deployment it was told to come back to later
  /// (Retry-After) when nothing else can serve it; a longer wait answers the 429 instead.
  double max_retry_wait_s = 30;
  /// Fallback aliases tried at most, per request.
  int max_fallbacks = 5;
  /// The longest an upstream may hold a deployment off (Retry-After, retry-after-ms,
  /// x-ratelimit-reset-*), seconds: larger values are cut to this, as is every cooldown shared
  /// through Redis (at least cooldown_time), so one answer cannot cool a deployment for years.
  double max_retry_after_s = 300;
  bool disable_cooldowns = false;
};

struct Config {
  std::string source_path;       // the file it came from
  ServerSettings server;
  std::string log_level = "info";  // trace, debug, info, warn, error, critical, off
  std::string master_key;        // empty: no auth
  /// general_settings.database_url (or the DATABASE_URL environment variable, as LiteLLM reads
  /// it): sqlite:///path or postgresql://… — virtual keys, teams and the spend ledger. Empty: none.
  std::string database_url;
  /// general_settings.ledger_spool_path: where ledger rows wait while the database is down
  /// (default: <database file>.spool for SQLite, else /tmp/llmgw-ledger-<port>.spool).
  std::string ledger_spool_path;
  /// general_settings.model_prices: a price file in LiteLLM's model_prices_and_context_window.json
  /// format merged over the shipped default (config/model_prices.json next to the config file).
  std::string model_prices_path;
  /// general_settings.rate_limit_fail_closed: when Redis cannot check a call's rate limits in
  /// time, refuse it (503) instead of admitting it unlimited (the default: fail open, counted).
  bool rate_limit_fail_closed = false;
  /// general_settings.rate_limit_redis_timeout_ms: the longest a call waits for its rate-limit
  /// round trip to Redis.
  int rate_limit_redis_timeout_ms = 100;
  /// general_settings.admission_lease_calls: with Redis limits, the calls an admit far from
  /// every limit also counts for its loop, admitted later without a round trip until the end of
  /// that second (limits/admission_lease); 0: every governed call makes its round trip.
  int admission_lease_calls = 32;
  /// general_settings.max_budget_reservation (USD, decimal text): the most one call reserves
  /// against a budget at admission; "" for the default ($1).
  std::string max_budget_reservation;
  /// general_settings.budget_enforcement: "finish" (default: a stream that crosses its budget
  /// finishes) or "cut" (it ends at its next event with an error).
  std::string budget_enforcement = "finish";
  std::vector<std::string> plugin_dirs;   // absolute
  std::vector<PluginSpec> plugins;
  std::vector<SinkSpec> sinks;  // sinks: which loaded sink plugins run, in order
  std::vector<GuardrailSpec> guardrails;
  std::vector<Deployment> deployments;
  std::map<std::string, std::string> model_group_alias;  // router_settings.model_group_alias
  /// router_settings.fallbacks (or litellm_settings.fallbacks): alias → aliases tried in order
  /// once every deployment of the alias failed retryably.
  std::map<std::string, std::vector<std::string>> fallbacks;
  /// context_window_fallbacks / content_policy_fallbacks: the chains used instead of
  /// `fallbacks` when an attempt failed because the input is too long for the model, or the
  /// upstream's content filter refused it (errors no retry on the same alias fixes).
  std::map<std::string, std::vector<std::string>> context_window_fallbacks;
  std::map<std::string, std::vector<std::string>> content_policy_fallbacks;
  RouterSettings router;
  RedisSettings redis;
  /// router_settings.allowed_fails / cooldown_time: a deployment that fails this many times in a
  /// row (retryable failures) is skipped for cooldown_time seconds. A Retry-After cools it for
  /// at least that long.
  int allowed_fails = 3;
  double cooldown_time_s = 5;
  /// model_list entries that cannot be served, one "file:line: path: reason" each (also in
  /// warnings); refused at start under server.strict_config.
  std::vector<std::string> skipped_deployments;
  /// One entry per key that llmgw recognises but does not support yet, or does not know:
  /// "config/x.yaml:7: litellm_settings.drop_params is not supported yet; ignored".
  std::vector<std::string> warnings;
};

/// Loads and validates a config file. Throws ConfigError.
Config load_file(const std::string& path);

/// Same, from YAML text; `name` is used in messages and to resolve relative paths.
Config load_string(const std::string& yaml, const std::string& name);

}  // namespace llmgw::config

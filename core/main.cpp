// llmgw: flags, config, plugins, wiring, serve until SIGINT/SIGTERM.
#include <malloc.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "config/config.hpp"
#include "config/plugin_config_schema.hpp"
#include "admin/health_endpoint.hpp"
#include "admin/metrics_endpoint.hpp"
#include "admin/admin_api_endpoint.hpp"
#include "admin/models_endpoint.hpp"
#include "frontends/anthropic_messages/dialect.hpp"
#include "frontends/embeddings/dialect.hpp"
#include "frontends/ingress.hpp"
#include "governance.hpp"
#include "limits/rate_limiter.hpp"
#include "frontends/openai_chat/dialect.hpp"
#include "frontends/openai_chat/openai_error.hpp"
#include "observe/access_log.hpp"
#include "pipeline/gateway.hpp"
#include "guard/guard_setup.hpp"
#include "loader/registry.hpp"
#include "policy/master_key_auth.hpp"
#include "pricing/decimal_price.hpp"
#include "server/http_server.hpp"
#include "shared_state/shared_state_sync.hpp"
#include "telemetry/telemetry.hpp"
#include "upstream/async_connection.hpp"
#include "version.hpp"

namespace {

using namespace llmgw;

/// Loads every configured plugin and instantiates every deployment. Throws on the first error.
std::unique_ptr<pipeline::Gateway> build_gateway(const config::Config& cfg, loader::Registry& registry,
                                                 std::map<std::string, std::string>* plugin_configs = nullptr) {
  std::string base_dir = cfg.source_path.substr(0, cfg.source_path.find_last_of('/') + 1);
  if (base_dir.empty()) base_dir.assign(1, '.');
  std::vector<std::string> dirs = cfg.plugin_dirs;
  dirs.push_back(loader::default_plugin_dir());
  if (!cfg.plugins.empty()) {
    for (std::size_t i = 0; i < cfg.plugins.size(); ++i) {
      const auto& spec = cfg.plugins[i];
      const loader::LoadedPlugin& p = registry.load(spec.path, base_dir, dirs);
      config::check_plugin_config(cfg, i, p.path);  // against its config.schema.json, before any create()
      if (plugin_configs) (*plugin_configs)[std::string(p.name())] = spec.config_json;  // for sinks:
    }
    for (std::size_t i = 0; i < cfg.sinks.size(); ++i)  // a sinks: entry's own config:
      if (const auto sink = registry.find(cfg.sinks[i].plugin)) config::check_sink_config(cfg, i, sink->path);
  } else {
    // No plugins.load (a LiteLLM config as it is): every plugin in the plugin folders.
    for (const auto& dir : dirs) {
      std::error_code ec;
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".so") found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      for (const auto& path : found) {
        try {
          registry.load(path, base_dir, dirs);
        } catch (const loader::UnservedKindError& e) {
          spdlog::warn("{}", e.what());  // found, not asked for: skipped, said once
        }
      }
    }
  }
  return std::make_unique<pipeline::Gateway>(cfg, registry);
}

/// With router_settings.redis_* set: the thread that shares cooldowns and usage counters with
/// the other instances (started here, stopped by its destructor). Otherwise null.
std::unique_ptr<shared_state::SharedStateSync> start_shared_state(const config::Config& cfg,
                                                                  const pipeline::Gateway& gateway) {
  if (!cfg.redis.enabled()) return nullptr;
  shared_state::RedisTarget target{cfg.redis.host, cfg.redis.port, cfg.redis.password, cfg.redis.db};
  std::vector<shared_state::SyncedDeployment> deployments;
  for (const auto& d : gateway.deployments()) deployments.push_back({d->cfg.id, &d->state});
  spdlog::info("shared state: Redis at {}", shared_state::describe(target));
  shared_state::SyncOptions options;
  options.max_cooldown = std::chrono::milliseconds(
      static_cast<int64_t>(std::max(cfg.router.max_retry_after_s, cfg.cooldown_time_s) * 1000));
  auto sync = std::make_unique<shared_state::SharedStateSync>(std::move(target), std::move(deployments), options);
  sync->start();
  return sync;
}

/// Rate limits: shared through Redis when router_settings.redis_* is set. A parallel slot's lease
/// in Redis outlives the longest call (router_settings.timeout) by a minute.
limits::RateLimitOptions rate_limit_options(const config::Config& cfg) {
  limits::RateLimitOptions o;
  if (cfg.redis.enabled()) o.redis = limits::RedisEndpoint{cfg.redis.host, cfg.redis.port, cfg.redis.password, cfg.redis.db};
  o.redis_timeout = std::chrono::milliseconds(cfg.rate_limit_redis_timeout_ms);
  o.parallel_lease = std::chrono::milliseconds(static_cast<int64_t>(cfg.router.timeout_s * 1000) + 60'000);
  o.fail_closed = cfg.rate_limit_fail_closed;
  if (o.redis) spdlog::info("rate limits: shared through Redis ({} ms per check, fail {})", o.redis_timeout.count(),
                            o.fail_closed ? "closed" : "open");
  return o;
}

int serve(const CliOptions& opts, config::Config cfg) {
  if (opts.host) cfg.server.host = *opts.host;
  if (opts.port) cfg.server.port = *opts.port;
  // Block termination signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  loader::Registry registry;
  std::map<std::string, std::string> plugin_configs;
  auto gateway = build_gateway(cfg, registry, &plugin_configs);
  telemetry::telemetry().start(cfg.sinks, registry, plugin_configs, cfg.source_path);  // sinks: their threads
  gateway->start_credential_exchange();
  auto sync = start_shared_state(cfg, *gateway);
  upstream::tls_client_context();  // trust store read once, at start, not on the first call
  policy::MasterKeyAuth auth(cfg.master_key);
  std::unique_ptr<Governance> governance = start_governance(cfg);
  const policy::Gatekeeper gate(auth, governance ? governance->keys.get() : nullptr);
  // What each call costs (x-llmgw-cost, the ledger) and the budgets it is held to.
  const pricing::DeploymentPrices prices = deployment_prices(cfg, governance ? governance->prices : load_prices(cfg, false));
  frontends::Accounting accounting;
  accounting.prices = &prices;
  if (governance) {
    accounting.spend = governance->spend.get();
    accounting.reservations = governance->reservations.get();
    accounting.keys = governance->keys.get();
  }
  if (!cfg.max_budget_reservation.empty())
    accounting.max_reservation_nano = pricing::parse_usd_to_pico(cfg.max_budget_reservation).value_or(1'000'000'000'000) / 1000;
  accounting.cut_streams = cfg.budget_enforcement == "cut";
  if (!auth.enabled() && !governance)
    spdlog::warn("no master_key configured: the gateway accepts requests without authentication");
  if (governance && !auth.enabled())
    spdlog::warn("a database but no master_key: virtual keys are checked, and nobody can administer them");

  const frontends::RequestLimits limits{cfg.server.max_body_bytes, static_cast<unsigned>(cfg.server.max_json_depth)};
  // One ingress per route, each with its dialect's codec table.
  const frontends::openai_chat::ChatDialect chat_dialect;
  const frontends::anthropic::MessagesDialect messages_dialect(frontends::anthropic::MessagesDialect::Kind::Messages);
  const frontends::anthropic::MessagesDialect count_dialect(frontends::anthropic::MessagesDialect::Kind::CountTokens);
  frontends::Ingress chat(chat_dialect, *gateway, gate, accounting, limits);
  frontends::Ingress messages(messages_dialect, *gateway, gate, accounting, limits);
  const frontends::embeddings::EmbeddingsDialect embeddings_dialect;
  frontends::Ingress count_tokens(count_dialect, *gateway, gate, accounting, limits);
  frontends::Ingress embeddings(embeddings_dialect, *gateway, gate, accounting, limits);
  // RPM, TPM and parallel limits of virtual keys and teams: in Redis when configured, else here.
  // count_tokens is not limited: it calls no model (Anthropic limits it apart from messages too).
  std::unique_ptr<limits::RateLimiter> rate_limiter;
  if (governance) {
    rate_limiter = std::make_unique<limits::RateLimiter>(rate_limit_options(cfg));
    for (frontends::Ingress* in : {&chat, &messages, &embeddings}) in->set_rate_limiter(rate_limiter.get());
  }
  const std::unique_ptr<guard::GuardChain> guards = guard::build_guard_chain(cfg, registry);
  for (frontends::Ingress* ingress : {&chat, &messages, &count_tokens, &embeddings}) ingress->set_guards(guards.get());
  // Admin endpoints and paths no route covers answer errors in the OpenAI shape (as LiteLLM's).
  const server::ErrorFormat& admin_errors = frontends::openai_chat::kErrors;
  admin::ModelsEndpoint models(gateway->aliases(), gate, admin_errors);
  admin::HealthEndpoint liveness(false, LLMGW_VERSION, cfg.deployments.size());
  admin::HealthEndpoint readiness(true, LLMGW_VERSION, cfg.deployments.size());
  auto* routes = new server::RouteTable(admin_errors);
  routes->add("POST", "/v1/chat/completions", &chat, &chat_dialect.errors());
  routes->add("POST", "/v1/messages", &messages, &messages_dialect.errors());
  routes->add("POST", "/v1/messages/count_tokens", &count_tokens, &count_dialect.errors());
  routes->add("POST", "/v1/embeddings", &embeddings, &embeddings_dialect.errors());
  routes->add("GET", "/v1/models", &models);
  routes->add("GET", "/health", &liveness);
  routes->add("GET", "/health/liveliness", &liveness);
  routes->add("GET", "/health/liveness", &liveness);
  routes->add("GET", "/health/readiness", &readiness);
  admin::MetricsEndpoint metrics(*gateway, auth, cfg.server.public_metrics, admin_errors,
                                 governance ? governance->ledger.get() : nullptr);
  routes->add("GET", "/metrics", &metrics);
  // The admin API of keys, teams and spend (issue 11): only with a database.
  std::unique_ptr<admin::AdminApiEndpoint> admin_api;
  if (governance) {
    admin_api = std::make_unique<admin::AdminApiEndpoint>(*governance->db, *governance->keys, auth, admin_errors,
                                                          cfg.server.max_body_bytes, limits.max_json_depth);
    for (const auto& r : admin::AdminApiEndpoint::kRoutes) routes->add(r.method, r.path, admin_api.get());
  }

  server::HttpServer server(cfg.server, routes);
  pipeline::Gateway* gw = gateway.get();
  limits::RateLimiter* rl = rate_limiter.get();
  policy::ReservationStore* budgets = governance ? governance->reservations.get() : nullptr;
  server.start([gw, rl, budgets](boost::asio::io_context& io) {
    gw->on_loop_start(io);
    if (rl) rl->on_loop_start(io);
    if (budgets) budgets->on_loop_start(io);
  });
  readiness.set_ready(true);
  std::printf("llmgw %s listening on http://%s:%u\n", LLMGW_VERSION, cfg.server.host.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("serving {} model aliases, {} deployments", gateway->aliases().size(), cfg.deployments.size());

  int sig = 0;
  sigwait(&signals, &sig);
  // Drain: readiness turns unready at once (load balancers stop sending), no new connections
  // are taken, idle ones close, and calls and streams in flight may finish up to the deadline.
  spdlog::info("signal {}: draining (up to {} ms), then exiting", sig, cfg.server.drain_timeout_ms);
  readiness.set_ready(false);
  server.stop(std::chrono::milliseconds(cfg.server.drain_timeout_ms));
  gateway->release_loop_pools();  // while the loops' io_contexts still exist
  if (rate_limiter) rate_limiter->release_loop_connections();  // likewise
  if (budgets) budgets->release_loop_connections();  // likewise
  admin_api.reset();  // joins the admin API's database pool while the loops' io_contexts exist
  if (sync) sync->stop();
  telemetry::telemetry().stop(2000);  // the sinks emit what is queued and flush
  spdlog::shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Large buffers (one big upstream answer) come from mmap and go back to the system when
  // freed: a fixed threshold turns off glibc's growing one, which would keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // A fixed mmap threshold also freezes the trim threshold at glibc's 128 KB: a free that left
  // more than that at the top of a loop thread's heap gave it back (madvise), and the next
  // allocations grew the heap and faulted the pages in again (a burst of 8,000 streams made
  // ~1,600 such trims). Up to 32 MB of free heap top is kept instead (glibc's own dynamic
  // threshold goes to 64 MB); large buffers still come from mmap and go back when freed.
  mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
  CliOptions opts;
  try {
    opts = parse_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "llmgw: %s\n%s", e.what(), kUsage);
    return 2;
  }
  if (opts.mode == CliOptions::Mode::Version) { std::printf("llmgw %s (plugin ABI %d.%d)\n", LLMGW_VERSION, LLMGW_ABI_MAJOR, LLMGW_ABI_MINOR); return 0; }
  if (opts.mode == CliOptions::Mode::Help) { std::fputs(kUsage, stdout); return 0; }

  config::Config cfg;
  try {
    cfg = config::load_file(opts.config_path);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "llmgw: config error: %s\n", e.what());
    return 2;
  }
  observe::init_logging(opts.log_level.value_or(cfg.log_level));
  for (const auto& w : cfg.warnings) spdlog::warn("{}", w);
  if (opts.strict) cfg.server.strict_config = true;
  if (cfg.server.strict_config && !cfg.skipped_deployments.empty()) {
    for (const auto& s : cfg.skipped_deployments) std::fprintf(stderr, "llmgw: config error: %s\n", s.c_str());
    spdlog::shutdown();
    return 2;
  }

  try {
    if (opts.mode == CliOptions::Mode::CheckConfig) {
      loader::Registry registry;
      std::map<std::string, std::string> plugin_configs;
      build_gateway(cfg, registry, &plugin_configs);
      telemetry::Telemetry check;  // the sinks' configs are checked by their create()
      check.start(cfg.sinks, registry, plugin_configs, cfg.source_path);
      check.stop(2000);
      guard::build_guard_chain(cfg, registry);
      spdlog::shutdown();
      std::printf("%s: OK (%zu deployments, %zu plugins, %zu warnings)\n", opts.config_path.c_str(),
                  cfg.deployments.size(), cfg.plugins.size(), cfg.warnings.size());
      return 0;
    }
    return serve(opts, std::move(cfg));
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    spdlog::shutdown();
    std::fprintf(stderr, "llmgw: %s\n", e.what());
    return 1;
  }
}

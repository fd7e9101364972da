// llmgw: flags, config, plugins, wiring, serve until SIGINT/SIGTERM; SIGHUP reloads the config.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli.hpp"
#include "config/config.hpp"
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
#include "frontends/runtime.hpp"
#include "pipeline/gateway.hpp"
#include "policy/master_key_auth.hpp"
#include "reload/reload_endpoint.hpp"
#include "reload/reloader.hpp"
#include "reload/runtime_builder.hpp"
#include "server/http_server.hpp"
#include "telemetry/telemetry.hpp"
#include "upstream/async_connection.hpp"
#include "util/allocator.hpp"
#include "version.hpp"

namespace {

using namespace llmgw;

/// Rate limits: shared through Redis when router_settings.redis_* is set. A parallel slot's lease
/// in Redis outlives the longest call (router_settings.timeout) by a minute.
limits::RateLimitOptions rate_limit_options(const config::Config& cfg) {
  limits::RateLimitOptions o;
  if (cfg.redis.enabled()) o.redis = limits::RedisEndpoint{cfg.redis.host, cfg.redis.port, cfg.redis.password, cfg.redis.db};
  o.redis_timeout = std::chrono::milliseconds(cfg.rate_limit_redis_timeout_ms);
  o.parallel_lease = std::chrono::milliseconds(static_cast<int64_t>(cfg.router.timeout_s * 1000) + 60'000);
  o.fail_closed = cfg.rate_limit_fail_closed;
  o.admission_lease_calls = cfg.admission_lease_calls;
  if (o.redis) spdlog::info("rate limits: shared through Redis ({} ms per check, fail {})", o.redis_timeout.count(),
                            o.fail_closed ? "closed" : "open");
  return o;
}

/// The command line's overrides of the config, applied at start and to every reload.
void apply_overrides(const CliOptions& opts, config::Config& cfg) {
  if (opts.host) cfg.server.host = *opts.host;
  if (opts.port) cfg.server.port = *opts.port;
  if (opts.strict) cfg.server.strict_config = true;
}

int serve(const CliOptions& opts, config::Config cfg) {
  apply_overrides(opts, cfg);
  // Block termination signals (and SIGHUP, the reload) in every thread; the main thread waits
  // for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  upstream::tls_client_context();  // trust store read once, at start, not on the first call
  policy::MasterKeyAuth auth(cfg.master_key);
  std::unique_ptr<Governance> governance = start_governance(cfg);
  const policy::Gatekeeper gate(auth, governance ? governance->keys.get() : nullptr);
  // What outlives every config snapshot: the ledger, the budget reservations, the key cache.
  // Prices and budget settings are the snapshot's (reload/runtime_builder).
  frontends::Accounting services;
  if (governance) {
    services.spend = governance->spend.get();
    services.reservations = governance->reservations.get();
    services.keys = governance->keys.get();
  }
  if (!auth.enabled() && !governance)
    spdlog::warn("no master_key configured: the gateway accepts requests without authentication");
  if (governance && !auth.enabled())
    spdlog::warn("a database but no master_key: virtual keys are checked, and nobody can administer them");

  // The runtime snapshot (plugins, gateway, guardrails, sinks, prices) that SIGHUP and
  // POST /admin/reload replace; each request holds the one it started on.
  frontends::RuntimeSlot runtime;
  reload::ReloaderOptions reload_options;
  reload_options.config_path = opts.config_path;
  reload_options.overrides = [&opts](config::Config& c) { apply_overrides(opts, c); };
  const Governance* gov = governance.get();
  reload_options.price_table = [gov](const config::Config& c) { return gov ? gov->prices : load_prices(c, false); };
  reload_options.services = services;
  reload_options.charging = governance != nullptr;
  reload::Reloader reloader(runtime, std::move(reload_options));
  reloader.start(cfg);
  const admin::RuntimeView view{
      [&runtime] {
        auto rt = runtime.current();
        return std::shared_ptr<const pipeline::Gateway>(rt, rt->gateway.get());
      },
      [&runtime] {
        auto rt = runtime.current();
        return std::shared_ptr<const telemetry::Telemetry>(rt, rt->telemetry.get());
      }};

  const frontends::RequestLimits limits{cfg.server.max_body_bytes, static_cast<unsigned>(cfg.server.max_json_depth)};
  // One ingress per route, each with its dialect's codec table.
  const frontends::openai_chat::ChatDialect chat_dialect;
  const frontends::anthropic::MessagesDialect messages_dialect(frontends::anthropic::MessagesDialect::Kind::Messages);
  const frontends::anthropic::MessagesDialect count_dialect(frontends::anthropic::MessagesDialect::Kind::CountTokens);
  frontends::Ingress chat(chat_dialect, runtime, gate, limits);
  frontends::Ingress messages(messages_dialect, runtime, gate, limits);
  const frontends::embeddings::EmbeddingsDialect embeddings_dialect;
  frontends::Ingress count_tokens(count_dialect, runtime, gate, limits);
  frontends::Ingress embeddings(embeddings_dialect, runtime, gate, limits);
  // RPM, TPM and parallel limits of virtual keys and teams: in Redis when configured, else here.
  // count_tokens is not limited: it calls no model (Anthropic limits it apart from messages too).
  std::unique_ptr<limits::RateLimiter> rate_limiter;
  if (governance) {
    rate_limiter = std::make_unique<limits::RateLimiter>(rate_limit_options(cfg));
    for (frontends::Ingress* in : {&chat, &messages, &embeddings}) in->set_rate_limiter(rate_limiter.get());
  }
  // Admin endpoints and paths no route covers answer errors in the OpenAI shape (as LiteLLM's).
  const server::ErrorFormat& admin_errors = frontends::openai_chat::kErrors;
  admin::ModelsEndpoint models(view, gate, admin_errors);
  const auto deployment_count = [&view] { return view.gateway()->deployments().size(); };
  admin::HealthEndpoint liveness(false, LLMGW_VERSION, deployment_count);
  admin::HealthEndpoint readiness(true, LLMGW_VERSION, deployment_count);
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
  admin::MetricsEndpoint metrics(view, auth, cfg.server.public_metrics, admin_errors,
                                 governance ? governance->ledger.get() : nullptr);
  routes->add("GET", "/metrics", &metrics);
  reload::ReloadEndpoint reload_endpoint(reloader, gate, admin_errors);
  routes->add("POST", "/admin/reload", &reload_endpoint);
  // The admin API of keys, teams and spend (issue 11): only with a database.
  std::unique_ptr<admin::AdminApiEndpoint> admin_api;
  if (governance) {
    admin_api = std::make_unique<admin::AdminApiEndpoint>(*governance->db, *governance->keys, auth, admin_errors,
                                                          cfg.server.max_body_bytes, limits.max_json_depth);
    for (const auto& r : admin::AdminApiEndpoint::kRoutes) routes->add(r.method, r.path, admin_api.get());
  }

  server::HttpServer server(cfg.server, routes);
  limits::RateLimiter* rl = rate_limiter.get();
  policy::ReservationStore* budgets = governance ? governance->reservations.get() : nullptr;
  server.start([rl, budgets](boost::asio::io_context& io) {
    pipeline::Gateway::on_loop_start(io);  // the loop's upstream pool, shared by every snapshot
    if (rl) rl->on_loop_start(io);
    if (budgets) budgets->on_loop_start(io);
  });
  readiness.set_ready(true);
  std::printf("llmgw %s listening on http://%s:%u\n", LLMGW_VERSION, cfg.server.host.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("serving {} model aliases, {} deployments", view.gateway()->aliases().size(), deployment_count());

  int sig = 0;
  for (;;) {
    sigwait(&signals, &sig);
    if (sig != SIGHUP) break;
    reloader.reload();  // logs what changed, or why it was refused
  }
  // Drain: readiness turns unready at once (load balancers stop sending), no new connections
  // are taken, idle ones close, and calls and streams in flight may finish up to the deadline.
  spdlog::info("signal {}: draining (up to {} ms), then exiting", sig, cfg.server.drain_timeout_ms);
  readiness.set_ready(false);
  server.stop(std::chrono::milliseconds(cfg.server.drain_timeout_ms));
  pipeline::Gateway::release_loop_pools();  // while the loops' io_contexts still exist
  if (rate_limiter) rate_limiter->release_loop_connections();  // likewise
  if (budgets) budgets->release_loop_connections();  // likewise
  admin_api.reset();  // joins the admin API's database pool while the loops' io_contexts exist
  reloader.stop();    // the Redis sync
  runtime.close();    // the last snapshot: its sinks emit what is queued and flush
  return 0;  // the governance threads stop as this frame unwinds (the ledger's last rows); main
             // shuts the logger down after that: a thread logging after spdlog::shutdown() crashed
}

}  // namespace

int main(int argc, char** argv) {
  const char* allocator = util::tune_allocator();  // first: before any thread or large buffer
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
  spdlog::debug("allocator: {}", allocator);
  for (const auto& w : cfg.warnings) spdlog::warn("{}", w);
  if (opts.strict) cfg.server.strict_config = true;  // serve() applies it again, with --host/--port
  if (cfg.server.strict_config && !cfg.skipped_deployments.empty()) {
    for (const auto& s : cfg.skipped_deployments) std::fprintf(stderr, "llmgw: config error: %s\n", s.c_str());
    spdlog::shutdown();
    return 2;
  }

  try {
    if (opts.mode == CliOptions::Mode::CheckConfig) {
      // The whole snapshot a start would build (sinks' configs are checked by their create()),
      // then stopped.
      reload::build_runtime(cfg, load_prices(cfg, false), frontends::Accounting{});
      spdlog::shutdown();
      std::printf("%s: OK (%zu deployments, %zu plugins, %zu warnings)\n", opts.config_path.c_str(),
                  cfg.deployments.size(), cfg.plugins.size(), cfg.warnings.size());
      return 0;
    }
    const int rc = serve(opts, std::move(cfg));
    spdlog::shutdown();
    return rc;
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    spdlog::shutdown();
    std::fprintf(stderr, "llmgw: %s\n", e.what());
    return 1;
  }
}

#include "admin/metrics_endpoint.hpp"

#include <ostream>
#include <string>

#include "admin/ledger_metrics.hpp"
#include "observe/counters.hpp"
#include "routing/deployment_state.hpp"
#include "server/send.hpp"
#include "telemetry/telemetry.hpp"

namespace llmgw::admin {
namespace {

/// A label value with \, " and newlines escaped as the exposition format wants.
void label(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') { out.append("\\n"); continue; }
    out.push_back(c);
  }
}

struct Gauge {
  const char* name;
  const char* help;
  double (*read)(const routing::DeploymentState&, int64_t now_steady, int64_t now_unix);
};

const Gauge kDeploymentGauges[] = {
    {"llmgw_deployment_in_flight", "Calls in flight on the deployment (this instance).",
     [](const routing::DeploymentState& s, int64_t, int64_t) { return double(s.in_flight.load()); }},
    {"llmgw_deployment_cooling_down", "1 while the deployment is skipped after failures.",
     [](const routing::DeploymentState& s, int64_t now, int64_t) { return s.cooldown_until_ms.load() > now ? 1.0 : 0.0; }},
    {"llmgw_deployment_requests_this_minute", "Requests in the current minute (all instances when Redis is shared).",
     [](const routing::DeploymentState& s, int64_t, int64_t unix) { return double(s.requests_in_minute(unix)); }},
    {"llmgw_deployment_tokens_this_minute", "Tokens in the current minute (all instances when Redis is shared).",
     [](const routing::DeploymentState& s, int64_t, int64_t unix) { return double(s.tokens_in_minute(unix)); }},
    {"llmgw_deployment_latency_ewma_seconds", "Moving average of call latency (a failure counts as 10 s); -1 before the first.",
     [](const routing::DeploymentState& s, int64_t, int64_t) { auto v = s.ewma_latency_us.load(); return v < 0 ? -1.0 : v / 1e6; }},
    {"llmgw_deployment_ttft_ewma_seconds", "Moving average of time to first byte; -1 before the first.",
     [](const routing::DeploymentState& s, int64_t, int64_t) { auto v = s.ewma_ttft_us.load(); return v < 0 ? -1.0 : v / 1e6; }},
    {"llmgw_deployment_recent_failures", "Recent failures (halved every 10 s without one).",
     [](const routing::DeploymentState& s, int64_t, int64_t) { return double(s.recent_failures.load()); }},
};

}  // namespace

boost::asio::awaitable<void> MetricsEndpoint::handle(server::Request& request,
                                                     server::Response& response) {
  if (!public_)
    if (auto rejected = auth_.check(request.headers())) {
      server::send_error(response, *rejected, errors_);
      co_return;
    }
  const std::shared_ptr<const pipeline::Gateway> gateway = runtime_.gateway();
  std::string out;
  out.reserve(4096);
  const int64_t now = canonical::steady_ms();
  const int64_t unix = canonical::unix_ms();
  for (const Gauge& g : kDeploymentGauges) {
    out.append("# HELP ").append(g.name).append(" ").append(g.help).append("\n# TYPE ").append(g.name).append(" gauge\n");
    for (const auto& d : gateway->deployments()) {
      out.append(g.name).append("{deployment=\"");
      label(out, d->cfg.id);
      out.append("\",model=\"");
      label(out, d->cfg.alias);
      out.append("\"} ");
      const double v = g.read(d->state, now, unix);
      out.append(v == static_cast<int64_t>(v) ? std::to_string(static_cast<int64_t>(v)) : std::to_string(v));
      out.push_back('\n');
    }
  }
  std::string last_name;
  observe::for_each_counter([&](const observe::CounterView& c) {
    // The core's own counters (owner "llmgw") are llmgw_<name>_total; a plugin's carry its name.
    const bool core = c.plugin == "llmgw";
    const std::string name = (core ? "llmgw_" : "llmgw_plugin_") + std::string(c.name) + "_total";
    if (name != last_name) {
      out.append("# HELP ").append(name).append(" ").append(c.help).append("\n# TYPE ").append(name).append(" counter\n");
      last_name = name;
    }
    out.append(name);
    if (!core) {
      out.append("{plugin=\"");
      label(out, c.plugin);
      out.append("\"}");
    }
    out.append(" ").append(std::to_string(c.value)).push_back('\n');
  });
  if (ledger_) render_ledger_metrics(*ledger_, out);
  runtime_.telemetry()->render_metrics(out);  // requests, latencies, tokens, spend, sinks (issue 12)
  response.set_status(200);
  response.set_content_type("text/plain; version=0.0.4; charset=utf-8");
  response.send_whole(out);
}

}  // namespace llmgw::admin

// GET /metrics: Prometheus text exposition of the gateway's live state — per deployment
// (in flight, cooling down, requests and tokens this minute, EWMA latency and time to first
// byte, recent failures) and every registered counter (plugins' own and the core's, such as
// Redis outages). With a master key set it must be presented, as on every API route, unless the
// config makes the endpoint public on purpose (server.public_metrics, or LiteLLM's
// litellm_settings.require_auth_for_metrics_endpoint: false): deployment names, aliases and
// traffic are not for anyone who can reach the port. With a database, the spend ledger writer's
// counters too (admin/ledger_metrics).
#pragma once

#include "admin/runtime_view.hpp"
#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"
#include "server/error_format.hpp"
#include "store/ledger_writer.hpp"

namespace llmgw::admin {

class MetricsEndpoint final : public server::Endpoint {
 public:
  /// `auth` is checked unless `is_public`; `errors`: the shape of its refusals.
  /// `runtime`: the gateway and sinks serving now (a reload swaps them). `ledger`: the spend
  /// ledger's writer (null: no database).
  MetricsEndpoint(RuntimeView runtime, const policy::MasterKeyAuth& auth, bool is_public,
                  const server::ErrorFormat& errors, const store::LedgerWriter* ledger = nullptr)
      : runtime_(std::move(runtime)), auth_(auth), errors_(errors), public_(is_public), ledger_(ledger) {}
  boost::asio::awaitable<void> handle(server::Request& request,
                                      server::Response& response) override;

 private:
  RuntimeView runtime_;
  const policy::MasterKeyAuth& auth_;
  const server::ErrorFormat& errors_;
  bool public_;
  const store::LedgerWriter* ledger_;
};

}  // namespace llmgw::admin

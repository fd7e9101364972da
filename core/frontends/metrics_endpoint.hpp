// GET /metrics: Prometheus text exposition of the gateway's live state — per deployment
// (in flight, cooling down, requests and tokens this minute, EWMA latency and time to first
// byte, recent failures) and every registered counter (plugins' own and the core's, such as
// Redis outages). No auth, like /health: it is for scrapers on the operator's network.
#pragma once

#include "pipeline/gateway.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class MetricsEndpoint final : public server::Endpoint {
 public:
  explicit MetricsEndpoint(const pipeline::Gateway& gateway) : gateway_(gateway) {}
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

 private:
  const pipeline::Gateway& gateway_;
};

}  // namespace llmgw::frontends

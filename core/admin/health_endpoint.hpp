// GET /health (liveness) and GET /health/readiness. No auth: they are for probes.
#pragma once

#include <atomic>
#include <string>

#include "server/endpoint.hpp"

namespace llmgw::admin {

class HealthEndpoint final : public server::Endpoint {
 public:
  /// `readiness`: answers 503 until set_ready(true).
  HealthEndpoint(bool readiness, std::string version, std::size_t deployments)
      : readiness_(readiness), version_(std::move(version)), deployments_(deployments) {}
  void set_ready(bool ready) { ready_.store(ready); }
  boost::asio::awaitable<void> handle(server::Request& request,
                                      server::Response& response) override;

 private:
  bool readiness_;
  std::string version_;
  std::size_t deployments_;
  std::atomic<bool> ready_{false};
};

}  // namespace llmgw::admin

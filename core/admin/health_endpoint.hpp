// GET /health (liveness) and GET /health/readiness. No auth: they are for probes.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "server/endpoint.hpp"

namespace llmgw::admin {

class HealthEndpoint final : public server::Endpoint {
 public:
  /// `readiness`: answers 503 until set_ready(true). `deployments`: how many serve now (a
  /// config reload changes it).
  HealthEndpoint(bool readiness, std::string version, std::function<std::size_t()> deployments)
      : readiness_(readiness), version_(std::move(version)), deployments_(std::move(deployments)) {}
  void set_ready(bool ready) { ready_.store(ready); }
  boost::asio::awaitable<void> handle(server::Request& request,
                                      server::Response& response) override;

 private:
  bool readiness_;
  std::string version_;
  std::function<std::size_t()> deployments_;
  std::atomic<bool> ready_{false};
};

}  // namespace llmgw::admin

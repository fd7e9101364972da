#include "admin/health_endpoint.hpp"

#include "server/send.hpp"

namespace llmgw::admin {

boost::asio::awaitable<void> HealthEndpoint::handle(server::Request&,
                                                    server::Response& response) {
  if (!readiness_) {
    server::send_json(response, 200, "{\"status\":\"ok\"}");
  } else if (!ready_.load()) {
    server::send_json(response, 503, "{\"status\":\"unavailable\"}");
  } else {
    server::send_json(response, 200, "{\"status\":\"ready\",\"version\":\"" + version_ +
                                         "\",\"deployments\":" + std::to_string(deployments_ ? deployments_() : 0) + "}");
  }
  co_return;
}

}  // namespace llmgw::admin

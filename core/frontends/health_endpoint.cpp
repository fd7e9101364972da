#include "frontends/health_endpoint.hpp"

#include "server/responses.hpp"

namespace llmgw::frontends {

void HealthEndpoint::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
  if (!readiness_) return server::send_json(response, 200, "{\"status\":\"ok\"}");
  if (!ready_.load())
    return server::send_json(response, 503, "{\"status\":\"starting\"}");
  server::send_json(response, 200, "{\"status\":\"ready\",\"version\":\"" + version_ +
                                       "\",\"deployments\":" + std::to_string(deployments_) + "}");
}

}  // namespace llmgw::frontends

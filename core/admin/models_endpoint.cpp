#include "admin/models_endpoint.hpp"

#include <ctime>

#include "server/send.hpp"
#include "util/json_escape.hpp"

namespace llmgw::admin {
namespace {

std::string list_body(const std::vector<std::string>& aliases) {
  const std::string created = std::to_string(std::time(nullptr));
  std::string body = "{\"object\":\"list\",\"data\":[";
  for (std::size_t i = 0; i < aliases.size(); ++i) {
    if (i) body += ',';
    body += "{\"id\":";
    util::append_json_string(body, aliases[i]);
    body += ",\"object\":\"model\",\"created\":" + created + ",\"owned_by\":\"llmgw\"}";
  }
  body += "]}";
  return body;
}

}  // namespace

ModelsEndpoint::ModelsEndpoint(RuntimeView runtime, const policy::Gatekeeper& gate, const server::ErrorFormat& errors)
    : runtime_(std::move(runtime)), gate_(gate), errors_(errors) {}

std::shared_ptr<const std::string> ModelsEndpoint::body() {
  std::shared_ptr<const pipeline::Gateway> gateway = runtime_.gateway();
  std::lock_guard lock(mutex_);
  if (!body_ || body_of_.lock() != gateway) {
    body_ = std::make_shared<const std::string>(list_body(gateway->aliases()));
    body_of_ = gateway;
  }
  return body_;
}

boost::asio::awaitable<void> ModelsEndpoint::handle(server::Request& request,
                                                    server::Response& response) {
  policy::Caller caller;  // any valid key may list the models
  if (auto rejected = gate_.identify(request.headers(), caller)) server::send_error(response, *rejected, errors_);
  else server::send_json(response, 200, *body());
  co_return;
}

}  // namespace llmgw::admin

#include "admin/models_endpoint.hpp"

#include <ctime>

#include "server/send.hpp"
#include "util/json_escape.hpp"

namespace llmgw::admin {

ModelsEndpoint::ModelsEndpoint(const std::vector<std::string>& aliases, const policy::Gatekeeper& gate,
                               const server::ErrorFormat& errors)
    : gate_(gate), errors_(errors) {
  const std::string created = std::to_string(std::time(nullptr));
  body_ = "{\"object\":\"list\",\"data\":[";
  for (std::size_t i = 0; i < aliases.size(); ++i) {
    if (i) body_ += ',';
    body_ += "{\"id\":";
    util::append_json_string(body_, aliases[i]);
    body_ += ",\"object\":\"model\",\"created\":" + created + ",\"owned_by\":\"llmgw\"}";
  }
  body_ += "]}";
}

boost::asio::awaitable<void> ModelsEndpoint::handle(server::Request& request,
                                                    server::Response& response) {
  policy::Caller caller;  // any valid key may list the models
  if (auto rejected = gate_.identify(request.headers(), caller)) server::send_error(response, *rejected, errors_);
  else server::send_json(response, 200, body_);
  co_return;
}

}  // namespace llmgw::admin

#include "admin/models_endpoint.hpp"

#include <ctime>

#include "server/send.hpp"
#include "util/json_escape.hpp"

namespace llmgw::admin {

ModelsEndpoint::ModelsEndpoint(const std::vector<std::string>& aliases, const policy::MasterKeyAuth& auth,
                               const server::ErrorFormat& errors)
    : auth_(auth), errors_(errors) {
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

boost::asio::awaitable<void> ModelsEndpoint::handle(Poco::Net::HTTPServerRequest& request,
                                                    Poco::Net::HTTPServerResponse& response) {
  if (auto rejected = auth_.check(request)) server::send_error(response, *rejected, errors_);
  else server::send_json(response, 200, body_);
  co_return;
}

}  // namespace llmgw::admin

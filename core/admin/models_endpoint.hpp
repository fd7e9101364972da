// GET /v1/models: the configured aliases in OpenAI's list shape. The body is built once.
#pragma once

#include <string>
#include <vector>

#include "policy/gatekeeper.hpp"
#include "server/endpoint.hpp"
#include "server/error_format.hpp"

namespace llmgw::admin {

class ModelsEndpoint final : public server::Endpoint {
 public:
  /// `errors`: the shape of its refusals (must outlive the endpoint).
  ModelsEndpoint(const std::vector<std::string>& aliases, const policy::Gatekeeper& gate,
                 const server::ErrorFormat& errors);
  boost::asio::awaitable<void> handle(server::Request& request,
                                      server::Response& response) override;

 private:
  const policy::Gatekeeper& gate_;
  const server::ErrorFormat& errors_;
  std::string body_;
};

}  // namespace llmgw::admin

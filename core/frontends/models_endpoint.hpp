// GET /v1/models: the configured aliases in OpenAI's list shape. The body is built once.
#pragma once

#include <string>
#include <vector>

#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class ModelsEndpoint final : public server::Endpoint {
 public:
  ModelsEndpoint(const std::vector<std::string>& aliases, const policy::MasterKeyAuth& auth);
  boost::asio::awaitable<void> handle(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) override;

 private:
  const policy::MasterKeyAuth& auth_;
  std::string body_;
};

}  // namespace llmgw::frontends

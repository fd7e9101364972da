// POST /v1/chat/completions: the OpenAI Chat Completions front-end.
#pragma once

#include <cstddef>

#include "pipeline/gateway.hpp"
#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class OpenAIChatEndpoint final : public server::Endpoint {
 public:
  OpenAIChatEndpoint(pipeline::Gateway& gateway, const policy::MasterKeyAuth& auth, std::size_t max_body_bytes)
      : gateway_(gateway), auth_(auth), max_body_bytes_(max_body_bytes) {}
  boost::asio::awaitable<void> handle(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) override;

 private:
  pipeline::Gateway& gateway_;
  const policy::MasterKeyAuth& auth_;
  std::size_t max_body_bytes_;
};

}  // namespace llmgw::frontends

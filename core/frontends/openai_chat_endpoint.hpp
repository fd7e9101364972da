// POST /v1/chat/completions: the OpenAI Chat Completions front-end.
#pragma once

#include <cstddef>

#include "frontends/request_limits.hpp"
#include "pipeline/gateway.hpp"
#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class OpenAIChatEndpoint final : public server::Endpoint {
 public:
  OpenAIChatEndpoint(pipeline::Gateway& gateway, const policy::MasterKeyAuth& auth, RequestLimits limits)
      : gateway_(gateway), auth_(auth), limits_(limits) {}
  boost::asio::awaitable<void> handle(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) override;

 private:
  pipeline::Gateway& gateway_;
  const policy::MasterKeyAuth& auth_;
  RequestLimits limits_;
};

}  // namespace llmgw::frontends

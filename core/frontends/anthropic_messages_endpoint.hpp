// POST /v1/messages and /v1/messages/count_tokens: the Anthropic Messages front-end.
#pragma once

#include <cstddef>

#include "frontends/request_limits.hpp"
#include "pipeline/gateway.hpp"
#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class AnthropicMessagesEndpoint final : public server::Endpoint {
 public:
  enum class Kind { Messages, CountTokens };
  AnthropicMessagesEndpoint(pipeline::Gateway& gateway, const policy::MasterKeyAuth& auth,
                            RequestLimits limits, Kind kind)
      : gateway_(gateway), auth_(auth), limits_(limits), kind_(kind) {}
  boost::asio::awaitable<void> handle(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) override;

 private:
  pipeline::Gateway& gateway_;
  const policy::MasterKeyAuth& auth_;
  RequestLimits limits_;
  Kind kind_;
};

}  // namespace llmgw::frontends

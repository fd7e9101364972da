// An HTTP endpoint: one handler object shared by all requests to its routes (stateless or
// internally synchronised).
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace llmgw::server {

/// Error body dialect for answers the server itself gives (404, 405, 413, 401...).
enum class ErrorDialect { OpenAI, Anthropic };

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) = 0;
};

}  // namespace llmgw::server

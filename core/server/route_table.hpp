// Path + method → endpoint. Unknown paths get 404, known paths with another method get 405
// with an Allow header; both in the OpenAI error shape.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <string>
#include <vector>

#include "server/endpoint.hpp"

namespace llmgw::server {

class RouteTable : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  /// `write_timeout_ms`: a client that does not read its response for this long is cut off
  /// (so a stalled reader cannot hold a worker thread forever). 0 disables it.
  explicit RouteTable(int write_timeout_ms = 0) : write_timeout_ms_(write_timeout_ms) {}

  /// Adds `path` and, when it starts with "/v1/", the same path without the prefix.
  void add(const std::string& method, const std::string& path, Endpoint* endpoint);

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

 private:
  struct Route {
    std::string method;
    std::string path;
    Endpoint* endpoint;
  };
  std::vector<Route> routes_;
  int write_timeout_ms_;
};

}  // namespace llmgw::server

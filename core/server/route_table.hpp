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
};

}  // namespace llmgw::server

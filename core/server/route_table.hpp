// Path + method → endpoint. Unknown paths get 404, known paths with another method get 405
// with an Allow header; both in the OpenAI error shape.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "server/endpoint.hpp"

namespace llmgw::server {

class RouteTable {
 public:
  /// Adds `path` and, when it starts with "/v1/", the same path without the prefix.
  void add(const std::string& method, const std::string& path, Endpoint* endpoint);

  /// Runs the endpoint of the request's route, or answers 404 / 405.
  boost::asio::awaitable<void> dispatch(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

 private:
  struct Route {
    std::string method;
    std::string path;
    Endpoint* endpoint;
  };
  std::vector<Route> routes_;
};

}  // namespace llmgw::server

// Path + method → endpoint. Unknown paths get 404, known paths with another method get 405
// with an Allow header. Each route carries the ErrorFormat of its front-end; the server's own
// errors for a request (404, 405, 408, 413, 431…) take the format of the route whose path is the
// longest prefix of the request's ("/v1/messages/batches" answers like "/v1/messages"), else the
// table's default.
#pragma once


#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "server/endpoint.hpp"
#include "server/error_format.hpp"

namespace llmgw::server {

class RouteTable {
 public:
  /// `default_errors`: the format for paths no route's prefix covers; must outlive the table.
  explicit RouteTable(const ErrorFormat& default_errors) : default_errors_(default_errors) {}

  /// Adds `path` and, when it starts with "/v1/", the same path without the prefix. `errors`
  /// (nullptr: the default) must outlive the table.
  void add(const std::string& method, const std::string& path, Endpoint* endpoint,
           const ErrorFormat* errors = nullptr);

  /// Runs the endpoint of the request's route, or answers 404 / 405.
  boost::asio::awaitable<void> dispatch(Request& request, Response& response);

  /// The error format for a request target (path, query ignored).
  const ErrorFormat& errors_for(std::string_view target) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    Endpoint* endpoint;
    const ErrorFormat* errors;
  };
  const ErrorFormat& default_errors_;
  std::vector<Route> routes_;
};

}  // namespace llmgw::server

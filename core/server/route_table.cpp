#include "server/route_table.hpp"

#include <string_view>

#include "server/responses.hpp"

namespace llmgw::server {
namespace {

void answer_unrouted(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp, int status,
                     const std::string& message, const std::string& allow) {
  frontends::ApiError e{status, "invalid_request_error", status == 404 ? "not_found" : "method_not_allowed", "", message};
  if (!allow.empty()) resp.set("Allow", allow);
  // The body (if any) is not read: close rather than misparse it as the next request.
  e.close_connection = (req.hasContentLength() && req.getContentLength64() > 0) || req.getChunkedTransferEncoding();
  send_error(resp, e, dialect_for_path(req.getURI()));
}

std::string_view path_of(const std::string& uri) {
  std::string_view p(uri);
  auto q = p.find('?');
  return q == std::string_view::npos ? p : p.substr(0, q);
}

}  // namespace

void RouteTable::add(const std::string& method, const std::string& path, Endpoint* endpoint) {
  routes_.push_back({method, path, endpoint});
  if (path.rfind("/v1/", 0) == 0) routes_.push_back({method, path.substr(3), endpoint});
}

boost::asio::awaitable<void> RouteTable::dispatch(Poco::Net::HTTPServerRequest& request,
                                                  Poco::Net::HTTPServerResponse& response) {
  std::string_view path = path_of(request.getURI());
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::string allow;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    if (r.method == request.getMethod()) {
      co_await r.endpoint->handle(request, response);
      co_return;
    }
    if (!allow.empty()) allow += ", ";
    allow += r.method;
  }
  if (!allow.empty())
    answer_unrouted(request, response, 405,
                    "Method " + request.getMethod() + " is not allowed on " + std::string(path) + "; use " + allow, allow);
  else
    answer_unrouted(request, response, 404, "Unknown request URL: " + request.getMethod() + " " + std::string(path) + ".", "");
}

}  // namespace llmgw::server

#include "server/route_table.hpp"

#include <string_view>

#include "server/send.hpp"

namespace llmgw::server {
namespace {

void answer_unrouted(Request& req, Response& resp, int status,
                     const std::string& message, const std::string& allow, const ErrorFormat& format) {
  canonical::ApiError e{status, "invalid_request_error", status == 404 ? "not_found" : "method_not_allowed", "", message};
  if (!allow.empty()) resp.set("Allow", allow);
  // The body (if any) is not read: close rather than misparse it as the next request.
  e.close_connection = req.content_length() > 0 || req.chunked();
  send_error(resp, e, format);
}

std::string_view path_of(std::string_view uri) {
  std::string_view p(uri);
  auto q = p.find('?');
  return q == std::string_view::npos ? p : p.substr(0, q);
}

}  // namespace

void RouteTable::add(const std::string& method, const std::string& path, Endpoint* endpoint,
                     const ErrorFormat* errors) {
  routes_.push_back({method, path, endpoint, errors});
  if (path.rfind("/v1/", 0) == 0) routes_.push_back({method, path.substr(3), endpoint, errors});
}

const ErrorFormat& RouteTable::errors_for(std::string_view target) const {
  const std::string_view path = path_of(target);
  const Route* best = nullptr;
  for (const auto& r : routes_) {
    if (!r.errors || path.rfind(r.path, 0) != 0) continue;
    // A prefix on a segment boundary: "/v1/messages" covers "/v1/messages/x", not "/v1/messagesx".
    if (path.size() > r.path.size() && path[r.path.size()] != '/' && path[r.path.size()] != '?') continue;
    if (!best || r.path.size() > best->path.size()) best = &r;
  }
  return best ? *best->errors : default_errors_;
}

namespace {

boost::asio::awaitable<void> answered() { co_return; }

}  // namespace

// Not a coroutine: a routed request gets the endpoint's own awaitable (no frame of dispatch's
// in between); only a 404 or 405, answered here at once, awaits an empty one.
boost::asio::awaitable<void> RouteTable::dispatch(Request& request, Response& response) {
  std::string_view path = path_of(request.uri());
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::string allow;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    if (r.method == request.method()) return r.endpoint->handle(request, response);
    if (!allow.empty()) allow += ", ";
    allow += r.method;
  }
  if (!allow.empty())
    answer_unrouted(request, response, 405,
                    "Method " + std::string(request.method()) + " is not allowed on " + std::string(path) + "; use " + allow, allow,
                    errors_for(path));
  else
    answer_unrouted(request, response, 404, "Unknown request URL: " + std::string(request.method()) + " " + std::string(path) + ".", "",
                    errors_for(path));
  return answered();
}

}  // namespace llmgw::server

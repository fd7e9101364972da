#include "server/route_table.hpp"

#include <Poco/Net/HTTPRequestHandler.h>

#include <string_view>

#include "server/responses.hpp"

namespace llmgw::server {
namespace {

class EndpointHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit EndpointHandler(Endpoint* e) : endpoint_(e) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    endpoint_->handle(req, resp);
  }

 private:
  Endpoint* endpoint_;
};

class ErrorHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  ErrorHandler(int status, std::string message, std::string allow)
      : status_(status), message_(std::move(message)), allow_(std::move(allow)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
    frontends::ApiError e{status_, "invalid_request_error", status_ == 404 ? "not_found" : "method_not_allowed", "", message_};
    if (!allow_.empty()) resp.set("Allow", allow_);
    // The body (if any) is not read: close rather than misparse it as the next request.
    e.close_connection = (req.hasContentLength() && req.getContentLength64() > 0) || req.getChunkedTransferEncoding();
    send_error(resp, e, dialect_for_path(req.getURI()));
  }

 private:
  int status_;
  std::string message_;
  std::string allow_;
};

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

Poco::Net::HTTPRequestHandler* RouteTable::createRequestHandler(const Poco::Net::HTTPServerRequest& request) {
  std::string_view path = path_of(request.getURI());
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::string allow;
  for (const auto& r : routes_) {
    if (r.path != path) continue;
    if (r.method == request.getMethod()) return new EndpointHandler(r.endpoint);
    if (!allow.empty()) allow += ", ";
    allow += r.method;
  }
  if (!allow.empty())
    return new ErrorHandler(405, "Method " + request.getMethod() + " is not allowed on " + std::string(path) + "; use " + allow, allow);
  return new ErrorHandler(404, "Unknown request URL: " + request.getMethod() + " " + std::string(path) + ".", "");
}

}  // namespace llmgw::server

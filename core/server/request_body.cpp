#include "server/request_body.hpp"

#include "server/request.hpp"

namespace llmgw::server {
namespace {

bool is_json_content_type(const std::string& ct) {
  std::string_view v(ct);
  auto semi = v.find(';');
  if (semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.size() < 16) return false;
  std::string lower(v);
  for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "application/json" || (lower.rfind("application/", 0) == 0 && lower.size() > 5 &&
                                         lower.compare(lower.size() - 5, 5, "+json") == 0);
}

canonical::ApiError too_large(std::size_t max_bytes) {
  canonical::ApiError e{413, "invalid_request_error", "request_too_large", "",
                        "Request body is larger than the limit of " + std::to_string(max_bytes) + " bytes."};
  e.close_connection = true;
  return e;
}

canonical::ApiError cut_short() {
  canonical::ApiError e = canonical::ApiError::invalid("The request body ended before Content-Length bytes were received.");
  e.close_connection = true;
  return e;
}

canonical::ApiError unreadable(const std::string& why) {
  canonical::ApiError e = canonical::ApiError::invalid("Could not read the request body: " + why);
  e.close_connection = true;
  return e;
}

}  // namespace

boost::asio::awaitable<std::optional<canonical::ApiError>> read_json_body(Poco::Net::HTTPServerRequest& request,
                                                                         std::size_t max_bytes, std::string& out) {
  out.clear();
  const std::string& ct = request.getContentType();
  if (!is_json_content_type(ct)) {
    canonical::ApiError e{415, "invalid_request_error", "unsupported_media_type", "",
                          ct.empty() ? std::string("Missing Content-Type: send the body as application/json.")
                                     : "Unsupported Content-Type '" + ct + "': send the body as application/json."};
    e.close_connection = true;
    co_return e;
  }
  const Request::Body read = co_await static_cast<Request&>(request).read_body(out, max_bytes);
  switch (read) {
    case Request::Body::Ok: co_return std::nullopt;
    case Request::Body::TooLarge: co_return too_large(max_bytes);
    case Request::Body::Truncated: co_return cut_short();
    case Request::Body::Error: co_return unreadable("the connection failed or the body framing is invalid");
    case Request::Body::Timeout: {
      canonical::ApiError e{408, "invalid_request_error", "request_timeout", "", "The request body did not arrive in time."};
      e.close_connection = true;
      co_return e;
    }
  }
  co_return unreadable("the connection failed");
}

}  // namespace llmgw::server

#include "server/request_body.hpp"

#include "server/request.hpp"

namespace llmgw::server {
namespace {

/// application/json or application/<anything>+json, parameters and case aside.
bool is_json_content_type(std::string_view v) {
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (canonical::iequals_ascii(v, "application/json")) return true;
  return v.size() > 17 && canonical::iequals_ascii(v.substr(0, 12), "application/") &&
         canonical::iequals_ascii(v.substr(v.size() - 5), "+json");
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

namespace {

/// The answer for how the body's reading ended.
std::optional<canonical::ApiError> verdict(Request::Body read, std::size_t max_bytes) {
  switch (read) {
    case Request::Body::Ok: return std::nullopt;
    case Request::Body::TooLarge: return too_large(max_bytes);
    case Request::Body::Truncated: return cut_short();
    case Request::Body::Error: return unreadable("the connection failed or the body framing is invalid");
    case Request::Body::Timeout: {
      canonical::ApiError e{408, "invalid_request_error", "request_timeout", "", "The request body did not arrive in time."};
      e.close_connection = true;
      return e;
    }
  }
  return unreadable("the connection failed");
}

}  // namespace

bool read_json_body_now(Request& request, std::size_t max_bytes, std::string& out,
                        std::optional<canonical::ApiError>& result) {
  out.clear();
  const std::string_view ct = request.header("Content-Type").value_or(std::string_view());
  if (!is_json_content_type(ct)) {
    canonical::ApiError e{415, "invalid_request_error", "unsupported_media_type", "",
                          ct.empty() ? std::string("Missing Content-Type: send the body as application/json.")
                                     : "Unsupported Content-Type '" + std::string(ct) + "': send the body as application/json."};
    e.close_connection = true;
    result = std::move(e);
    return true;
  }
  const std::optional<Request::Body> read = request.read_body_now(out, max_bytes);
  if (!read) return false;
  result = verdict(*read, max_bytes);
  return true;
}

boost::asio::awaitable<std::optional<canonical::ApiError>> read_json_body_rest(Request& request,
                                                                              std::size_t max_bytes, std::string& out) {
  const Request::Body read = co_await request.read_body_rest(out, max_bytes);
  co_return verdict(read, max_bytes);
}

boost::asio::awaitable<std::optional<canonical::ApiError>> read_json_body(Request& request,
                                                                         std::size_t max_bytes, std::string& out) {
  std::optional<canonical::ApiError> result;
  if (read_json_body_now(request, max_bytes, out, result)) co_return result;
  const std::optional<canonical::ApiError> rest = co_await read_json_body_rest(request, max_bytes, out);
  co_return rest;
}

}  // namespace llmgw::server

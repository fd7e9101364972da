#include "server/request_body.hpp"

#include <Poco/Exception.h>

#include <istream>

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

frontends::ApiError too_large(std::size_t max_bytes) {
  frontends::ApiError e{413, "invalid_request_error", "request_too_large", "",
                        "Request body is larger than the limit of " + std::to_string(max_bytes) + " bytes."};
  e.close_connection = true;
  return e;
}

frontends::ApiError cut_short() {
  frontends::ApiError e = frontends::ApiError::invalid("The request body ended before Content-Length bytes were received.");
  e.close_connection = true;
  return e;
}

frontends::ApiError unreadable(const std::string& why) {
  frontends::ApiError e = frontends::ApiError::invalid("Could not read the request body: " + why);
  e.close_connection = true;
  return e;
}

}  // namespace

std::optional<frontends::ApiError> read_json_body(Poco::Net::HTTPServerRequest& request,
                                                  std::size_t max_bytes, std::string& out) {
  out.clear();
  const std::string& ct = request.getContentType();
  if (!is_json_content_type(ct)) {
    frontends::ApiError e{415, "invalid_request_error", "unsupported_media_type", "",
                          ct.empty() ? std::string("Missing Content-Type: send the body as application/json.")
                                     : "Unsupported Content-Type '" + ct + "': send the body as application/json."};
    e.close_connection = true;
    return e;
  }
  if (auto* own = dynamic_cast<Request*>(&request)) {  // straight from the connection buffer
    switch (own->read_body(out, max_bytes)) {
      case Request::Body::Ok: return std::nullopt;
      case Request::Body::TooLarge: return too_large(max_bytes);
      case Request::Body::Truncated: return cut_short();
      case Request::Body::Error: return unreadable("the connection failed or the body framing is invalid");
      case Request::Body::Timeout: {
        frontends::ApiError e{408, "invalid_request_error", "request_timeout", "",
                              "The request body did not arrive in time."};
        e.close_connection = true;
        return e;
      }
    }
  }
  std::istream& in = request.stream();
  try {
    if (request.hasContentLength() && !request.getChunkedTransferEncoding()) {
      auto length = request.getContentLength64();
      if (length < 0 || static_cast<unsigned long long>(length) > max_bytes) return too_large(max_bytes);
      out.resize(static_cast<std::size_t>(length));
      in.read(out.data(), length);
      if (in.gcount() != length) return cut_short();
      return std::nullopt;
    }
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      out.append(buf, static_cast<std::size_t>(in.gcount()));
      if (out.size() > max_bytes) return too_large(max_bytes);
    }
  } catch (const Poco::Exception& e) {
    return unreadable(e.message());
  }
  return std::nullopt;
}

}  // namespace llmgw::server

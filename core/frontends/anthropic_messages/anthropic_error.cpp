#include "frontends/anthropic_messages/anthropic_error.hpp"

#include "util/json_escape.hpp"

namespace llmgw::frontends::anthropic {
namespace {

constexpr std::string_view kAnthropicTypes[] = {
    "invalid_request_error", "authentication_error", "billing_error",   "permission_error",
    "not_found_error",       "conflict_error",       "request_too_large", "rate_limit_error",
    "api_error",             "timeout_error",        "overloaded_error"};

std::string_view type_for_status(int status) {
  switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 402: return "billing_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 409: return "conflict_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503:
    case 529: return "overloaded_error";
    case 504: return "timeout_error";
    default: break;
  }
  if (status >= 400 && status < 500) return "invalid_request_error";
  return "api_error";
}

}  // namespace

std::string_view anthropic_error_type(const canonical::ApiError& e) {
  std::string_view derived = type_for_status(anthropic_status(e));
  // The two generic types are OpenAI types too (the core defaults a 404 to
  // invalid_request_error, a 529 to api_error): a more specific status wins over them.
  if (e.type == "invalid_request_error" || e.type == "api_error")
    return derived == "invalid_request_error" || derived == "api_error" ? std::string_view(e.type) : derived;
  for (std::string_view t : kAnthropicTypes)
    if (e.type == t) return t;
  return derived;
}

std::string anthropic_error_body(const canonical::ApiError& e) {
  std::string out;
  out.reserve(64 + e.message.size());
  out += "{\"type\":\"error\",\"error\":{\"type\":";
  util::append_json_string(out, anthropic_error_type(e));
  out += ",\"message\":";
  util::append_json_string(out, e.message);
  out += "}}";
  return out;
}

int anthropic_status(const canonical::ApiError& e) {
  if (e.status < 400 || e.status > 599) return 500;
  return e.status;
}

const server::ErrorFormat kErrors{&anthropic_status, &anthropic_error_body};

}  // namespace llmgw::frontends::anthropic

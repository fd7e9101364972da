#include "errors.hpp"

#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/error_text.hpp>
#include <plugin_util/json_helpers.hpp>

#include <string>

namespace llmgw::provider_bedrock {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;

const ErrorKind* kind_named(std::string_view type) {
  for (const ErrorKind& k : kErrorKinds)
    if (iequals(k.aws_type, type)) return &k;
  return nullptr;
}

void scrub(const Config& cfg, Error& e) {
  plugin_util::scrub_error_fields(e, cfg.secrets, [](std::string& field) {
    plugin_util::mask_key_fragments(field, "AKIA", "");
    plugin_util::mask_key_fragments(field, "ASIA", "");
  });
}

/// Retry-After in delta-seconds (Bedrock seldom sends one); -1 when absent or not a number.
int64_t retry_after_ms(const llmgw_upstream_response& r) {
  const std::string_view v = plugin_util::trim_space(find_header(r.headers, r.header_count, "retry-after"));
  if (v.empty() || v.size() > 9) return -1;
  int64_t s = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    s = s * 10 + (c - '0');
  }
  return s * 1000;
}

/// {"message"} / {"Message"} (and "__type" / "code") of an AWS JSON error body.
struct Body {
  std::string type;
  std::string message;
};

Body read_body(std::string_view body) {
  Body b;
  rapidjson::Document doc;
  if (plugin_util::parse_bounded(doc, body) == plugin_util::JsonParse::kOk && doc.IsObject()) {
    b.message = str_member(doc, "message");
    if (b.message.empty()) b.message = str_member(doc, "Message");
    b.type = str_member(doc, "__type");
    if (b.type.empty()) b.type = str_member(doc, "code");
    if (!b.message.empty() || !b.type.empty()) return b;
  }
  b.message = std::string(plugin_util::utf8_prefix(plugin_util::trim_space(body), kMaxErrorMessageBytes));
  return b;
}

}  // namespace

std::string_view error_type_name(std::string_view raw) noexcept {
  raw = plugin_util::trim_space(raw);
  if (const std::size_t colon = raw.find(':'); colon != std::string_view::npos) raw = raw.substr(0, colon);
  if (const std::size_t hash = raw.rfind('#'); hash != std::string_view::npos) raw = raw.substr(hash + 1);
  return raw;
}

Error classify(const Config& cfg, std::string_view type, std::string_view message, int http, int64_t retry_after) {
  Error e;
  const std::string_view name = error_type_name(type);
  if (const ErrorKind* k = kind_named(name)) {
    e.status = k->status;
    e.type = k->type;
    e.error_class = k->error_class;
  } else if (http == 401 || http == 403) {
    e.status = http;
    e.type = http == 403 ? "permission_error" : "authentication_error";
    e.error_class = LLMGW_ERR_AUTH;
  } else if (http == 404) {
    e.status = 404;
    e.type = "not_found_error";
    e.error_class = LLMGW_ERR_NOT_FOUND;
  } else if (http == 429) {
    e.status = 429;
    e.type = "rate_limit_error";
    e.error_class = LLMGW_ERR_RATE_LIMITED;
  } else if (http == 408 || http == 409 || http >= 500 || http == 0 || http == 424) {
    e.status = http >= 500 ? http : http == 0 || http == 424 ? 502 : http;
    e.type = "api_error";
    e.error_class = LLMGW_ERR_TRANSIENT;
  } else {
    e.status = http >= 400 && http <= 499 ? http : 400;
    e.type = "invalid_request_error";
    e.error_class = LLMGW_ERR_INVALID_REQUEST;
  }
  e.code = std::string(name);
  e.message = std::string(plugin_util::utf8_prefix(message, kMaxErrorMessageBytes));
  if (e.message.empty())
    e.message = name.empty() ? "upstream returned HTTP " + std::to_string(http) : "upstream returned " + std::string(name);
  if (e.error_class == LLMGW_ERR_INVALID_REQUEST && plugin_util::mentions_any(e.message, kContextWindowHints)) {
    e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
    e.code = "context_length_exceeded";
  }
  if (e.error_class == LLMGW_ERR_RATE_LIMITED || e.error_class == LLMGW_ERR_TRANSIENT) e.retry_after_ms = retry_after;
  scrub(cfg, e);
  return e;
}

Error error_from_response(const Config& cfg, const llmgw_upstream_response& r) {
  if (r.status < 400 || r.status > 599) return bad_response("upstream answered HTTP " + std::to_string(r.status));
  const Body body = read_body(view(r.body));
  std::string_view type = find_header(r.headers, r.header_count, kErrorTypeHeader);
  if (error_type_name(type).empty()) type = body.type;
  return classify(cfg, type, body.message, r.status, retry_after_ms(r));
}

Error error_from_exception(const Config& cfg, std::string_view exception_type, std::string_view payload) {
  const Body body = read_body(payload);
  return classify(cfg, exception_type.empty() ? std::string_view(body.type) : exception_type, body.message, 0, -1);
}

Error bad_response(std::string message) { return bad_response_error(std::move(message), "api_error"); }

}  // namespace llmgw::provider_bedrock

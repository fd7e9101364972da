#include "errors.hpp"

#include "json_util.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/error_text.hpp>

#include <cmath>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

bool is_context_window(std::string_view message) { return plugin_util::mentions_any(message, kContextWindowHints); }

std::string_view trim(std::string_view s) { return plugin_util::trim_space(s); }

using plugin_util::utf8_prefix;

/// "AIzaSyD…" (Google API keys) → "AIza***".
void mask_key_fragments(std::string& text) { plugin_util::mask_key_fragments(text, "AIza", "-_"); }

const ErrorStatus* status_for_http(int http) {
  for (const ErrorStatus& e : kErrorStatuses)
    if (e.http == http) return &e;
  return nullptr;
}

}  // namespace

int64_t duration_ms(std::string_view text) noexcept {
  text = trim(text);
  if (!text.ends_with('s')) return -1;
  text.remove_suffix(1);
  double seconds = 0, scale = 0;
  bool any = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      any = true;
      if (scale == 0) {
        seconds = seconds * 10 + (c - '0');
      } else {
        seconds += (c - '0') * scale;
        scale /= 10;
      }
    } else if (c == '.' && scale == 0) {
      scale = 0.1;
    } else {
      return -1;
    }
    if (seconds > 1e9) return -1;
  }
  if (!any) return -1;
  return static_cast<int64_t>(std::ceil(seconds * 1000 - 1e-6));
}

int64_t retry_after_ms(const llmgw_header* headers, std::size_t count) noexcept {
  if (!headers) return -1;
  const std::string_view v = trim(find_header(headers, count, kRetryAfter));
  if (v.empty() || v.size() > 15) return -1;
  int64_t seconds = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;  // an HTTP-date: Google sends delta-seconds
    seconds = seconds * 10 + (c - '0');
  }
  return seconds * 1000;
}

ErrorFields error_fields(const rapidjson::Value& err) {
  ErrorFields f;
  if (!err.IsObject()) return f;
  f.recognised = true;
  if (const Value* code = member(err, "code"); code && code->IsInt()) f.code = code->GetInt();
  f.status = str_member(err, "status");
  f.message = str_member(err, "message");
  if (const Value* details = member(err, "details"); details && details->IsArray()) {
    for (const Value& d : details->GetArray()) {
      const std::string_view type = str_member(d, "@type");
      if (type.ends_with("google.rpc.ErrorInfo") && f.reason.empty()) f.reason = str_member(d, "reason");
      if (type.ends_with("google.rpc.RetryInfo") && f.retry_delay_ms < 0)
        f.retry_delay_ms = duration_ms(str_member(d, "retryDelay"));
    }
  }
  return f;
}

ErrorFields parse_error_body(std::string_view body) {
  rapidjson::Document doc;
  if (plugin_util::parse_bounded(doc, body) == plugin_util::JsonParse::kOk) {
    // Google's shape; some proxies wrap it in an array ([{"error": …}]).
    const Value& root = doc.IsArray() && doc.Size() == 1 ? doc[0] : static_cast<const Value&>(doc);
    if (const Value* err = member(root, "error")) {
      if (err->IsObject()) return error_fields(*err);
      if (err->IsString()) {
        ErrorFields f;
        f.message = sv(*err);
        return f;
      }
    }
  }
  ErrorFields f;
  f.message = std::string(utf8_prefix(trim(body), kMaxTextMessageBytes));
  return f;
}

Error error_from_fields(const Config& cfg, ErrorFields f, int http, int64_t retry_after) {
  Error e;
  const ErrorStatus* known = error_status_named(f.status);
  if (!known) known = status_for_http(http > 0 ? http : f.code);
  e.status = http > 0 ? http : (f.code >= 400 && f.code <= 599 ? f.code : (known ? known->http : 500));
  if (known) {
    e.error_class = known->error_class;
    e.type = known->type;
  } else if (e.status >= 500) {
    e.error_class = LLMGW_ERR_TRANSIENT;
    e.type = "api_error";
  } else if (e.status == 408 || e.status == 409) {
    e.error_class = LLMGW_ERR_TRANSIENT;
    e.type = "api_error";
  } else {
    e.error_class = LLMGW_ERR_INVALID_REQUEST;
    e.type = "invalid_request_error";
  }
  e.code = f.status;
  e.message = f.message.empty() ? "upstream returned HTTP " + std::to_string(e.status) : std::move(f.message);
  for (std::string_view r : kAuthReasons) {
    if (f.reason == r) {
      e.error_class = LLMGW_ERR_AUTH;
      e.status = 401;
      e.type = "authentication_error";
      e.code = "invalid_api_key";
    }
  }
  if (e.error_class == LLMGW_ERR_INVALID_REQUEST && e.status == 400 && is_context_window(e.message)) {
    e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
    e.code = kContextLengthCode;
  }
  if (e.error_class == LLMGW_ERR_RATE_LIMITED || e.error_class == LLMGW_ERR_TRANSIENT)
    e.retry_after_ms = retry_after >= 0 ? retry_after : f.retry_delay_ms;
  scrub(cfg, e);
  return e;
}

Error error_from_response(const Config& cfg, const llmgw_upstream_response& r) {
  if (r.status < 400 || r.status > 599) return bad_response("upstream answered HTTP " + std::to_string(r.status));
  return error_from_fields(cfg, parse_error_body(view(r.body)), r.status, retry_after_ms(r.headers, r.header_count));
}

bool is_google_error(const llmgw_upstream_response& r) {
  if (r.status >= 200 && r.status <= 299) return false;
  rapidjson::Document doc;
  if (plugin_util::parse_bounded(doc, view(r.body)) != plugin_util::JsonParse::kOk || !doc.IsObject()) return false;
  const auto err = doc.FindMember("error");
  return err != doc.MemberEnd() && err->value.IsObject() && err->value.HasMember("status") && !doc.HasMember("type");
}

Error bad_response(std::string message) { return bad_response_error(std::move(message), "api_error"); }

void scrub(const Config& cfg, Error& e) {
  plugin_util::scrub_error_fields(e, cfg.secrets, [](std::string& field) { mask_key_fragments(field); });
}

}  // namespace llmgw::provider_gemini

#include "errors.hpp"

#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/json_helpers.hpp>

namespace llmgw::provider_ollama {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool context_overflow(std::string_view text) {
  const std::string t = lower(text);
  for (std::string_view h : kContextWindowHints)
    if (t.find(h) != std::string::npos) return true;
  return false;
}

void scrub(const Config& cfg, Error& e) {
  for (const std::string& s : cfg.secrets) {
    if (s.empty()) continue;
    for (std::size_t p = e.message.find(s); p != std::string::npos; p = e.message.find(s, p)) e.message.replace(p, s.size(), "[REDACTED]");
  }
}

std::string text_of(std::string_view body) {
  rapidjson::Document doc;
  if (plugin_util::parse_bounded(doc, body) == plugin_util::JsonParse::kOk) {
    if (const Value* e = member(doc, "error"); e && e->IsString()) return std::string(sv(*e));
  }
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  if (body.size() > 500) body = body.substr(0, 500);
  return std::string(body);
}

int64_t retry_after_ms(const llmgw_upstream_response& r) {
  const std::string_view v = find_header(r.headers, r.header_count, "retry-after");
  if (v.empty() || v.size() > 9) return -1;
  int64_t s = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    s = s * 10 + (c - '0');
  }
  return s * 1000;
}

}  // namespace

Error error_from_response(const Config& cfg, const llmgw_upstream_response& r) {
  Error e;
  const int s = r.status;
  e.status = s;
  e.message = text_of(view(r.body));
  if (e.message.empty()) e.message = "upstream returned HTTP " + std::to_string(s);
  if (s == 401 || s == 403) {
    e.error_class = LLMGW_ERR_AUTH;
    e.type = s == 401 ? "authentication_error" : "permission_error";
  } else if (s == 404) {
    e.error_class = LLMGW_ERR_NOT_FOUND;
    e.type = "not_found_error";
  } else if (s == 429) {
    e.error_class = LLMGW_ERR_RATE_LIMITED;
    e.type = "rate_limit_error";
  } else if (s == 408 || s == 409 || (s >= 500 && s <= 599)) {
    e.error_class = LLMGW_ERR_TRANSIENT;
    e.type = "api_error";
  } else if (s >= 400 && s <= 499) {
    e.error_class = context_overflow(e.message) ? LLMGW_ERR_CONTEXT_WINDOW : LLMGW_ERR_INVALID_REQUEST;
    e.type = "invalid_request_error";
    if (e.error_class == LLMGW_ERR_CONTEXT_WINDOW) e.code = "context_length_exceeded";
  } else {
    e = bad_response("upstream answered HTTP " + std::to_string(s));
  }
  if (e.error_class == LLMGW_ERR_RATE_LIMITED || e.error_class == LLMGW_ERR_TRANSIENT) e.retry_after_ms = retry_after_ms(r);
  scrub(cfg, e);
  return e;
}

Error error_from_text(const Config& cfg, std::string_view text) {
  Error e;
  e.message = text.empty() ? "upstream reported an error" : std::string(text);
  const std::string t = lower(text);
  if (t.find("not found") != std::string::npos) {
    e.error_class = LLMGW_ERR_NOT_FOUND;
    e.status = 404;
    e.type = "not_found_error";
  } else if (context_overflow(text)) {
    e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
    e.status = 400;
    e.type = "invalid_request_error";
    e.code = "context_length_exceeded";
  } else {
    e.error_class = LLMGW_ERR_TRANSIENT;
    e.status = 500;
    e.type = "api_error";
  }
  scrub(cfg, e);
  return e;
}

Error bad_response(std::string message) { return bad_response_error(std::move(message), "api_error"); }

}  // namespace llmgw::provider_ollama

#include "errors.hpp"

#include "wire.hpp"

#include <rapidjson/document.h>

#include <llmgw/json_depth.hpp>

#include <cctype>
#include <cmath>

namespace llmgw::provider_anthropic {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_context_window(std::string_view message) {
  const std::string m = lower(message);
  for (std::string_view hint : kContextWindowHints)
    if (m.find(hint) != std::string::npos) return true;
  return false;
}

/// `s` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::string string_member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string default_type(int status) {
  if (const ErrorType* t = error_type_for_status(status)) return std::string(t->type);
  return status >= 500 ? "api_error" : "invalid_request_error";
}

/// Replaces every occurrence of `needle` in `text` with `with`.
void replace_all(std::string& text, std::string_view needle, std::string_view with) {
  if (needle.empty()) return;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + with.size()))
    text.replace(pos, needle.size(), with);
}

/// "sk-ant-api03-AbC…" → "sk-ant-***": a key the upstream quotes back is never passed on.
void mask_key_fragments(std::string& text) {
  static constexpr std::string_view kPrefix = "sk-ant-";
  for (std::size_t pos = text.find(kPrefix); pos != std::string::npos; pos = text.find(kPrefix, pos + 1)) {
    std::size_t end = pos + kPrefix.size();
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '-' ||
                                 text[end] == '_' || text[end] == '*'))
      ++end;
    text.replace(pos + kPrefix.size(), end - pos - kPrefix.size(), "***");
  }
}

}  // namespace

ErrorFields parse_error_body(std::string_view body) {
  ErrorFields f;
  rapidjson::Document doc;
  if (parse_bounded(doc, body).ok() && doc.IsObject()) {  // too deep: read as text, like malformed
    auto err = doc.FindMember("error");
    if (err != doc.MemberEnd() && err->value.IsObject()) {
      f.type = string_member(err->value, "type");
      f.message = string_member(err->value, "message");
      return f;
    }
    if (err != doc.MemberEnd() && err->value.IsString()) {
      f.message.assign(err->value.GetString(), err->value.GetStringLength());
      return f;
    }
    f.message = string_member(doc, "message");
    if (!f.message.empty()) return f;
  }
  f.message = std::string(utf8_prefix(trim(body), kMaxTextMessageBytes));
  return f;
}

int64_t retry_after_ms(const llmgw_header* headers, std::size_t count) noexcept {
  if (!headers) return -1;
  const std::string_view v = trim(find_header(headers, count, kRetryAfter));
  if (v.empty()) return -1;
  double seconds = 0, scale = 0;
  bool any = false;
  for (char c : v) {
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
      return -1;  // an HTTP-date: Anthropic sends seconds; treat anything else as no hint
    }
  }
  if (!any || seconds > 1e9) return -1;
  return static_cast<int64_t>(std::ceil(seconds * 1000 - 1e-6));
}

Error error_from_response(const Config& cfg, const llmgw_upstream_response& r) {
  ErrorFields fields = parse_error_body(view(r.body));
  Error e;
  e.status = r.status;
  e.type = fields.type.empty() ? default_type(r.status) : std::move(fields.type);
  e.message = fields.message.empty() ? "upstream returned HTTP " + std::to_string(r.status) : std::move(fields.message);
  const int s = r.status;
  if (s == 401 || s == 403) {
    e.error_class = LLMGW_ERR_AUTH;
  } else if (s == 404) {
    e.error_class = LLMGW_ERR_NOT_FOUND;
  } else if (s == 429) {
    e.error_class = LLMGW_ERR_RATE_LIMITED;
  } else if (s == 402) {
    e.error_class = LLMGW_ERR_RATE_LIMITED;  // billing: another deployment, not this one later
  } else if (s == 408 || s == 409 || (s >= 500 && s <= 599)) {
    e.error_class = LLMGW_ERR_TRANSIENT;
  } else if (s >= 400 && s <= 499) {
    e.error_class = LLMGW_ERR_INVALID_REQUEST;
    if (s != 413 && is_context_window(e.message)) {
      e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
      e.code = kContextLengthCode;
    }
  } else {
    e.error_class = LLMGW_ERR_BAD_RESPONSE;
    e.status = 502;
    e.type = "api_error";
    e.code = "bad_upstream_response";
  }
  if ((e.error_class == LLMGW_ERR_RATE_LIMITED && s != 402) || e.error_class == LLMGW_ERR_TRANSIENT)
    e.retry_after_ms = retry_after_ms(r.headers, r.header_count);
  scrub(cfg, e);
  return e;
}

Error error_from_type(const Config& cfg, ErrorFields fields) {
  Error e;
  if (const ErrorType* t = error_type_named(fields.type)) {
    e.status = t->status;
    e.error_class = t->error_class;
  } else {
    e.status = 500;
    e.error_class = LLMGW_ERR_TRANSIENT;
  }
  e.type = fields.type.empty() ? "api_error" : std::move(fields.type);
  e.message = fields.message.empty() ? "upstream reported " + e.type : std::move(fields.message);
  if (e.error_class == LLMGW_ERR_INVALID_REQUEST && e.status == 400 && is_context_window(e.message)) {
    e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
    e.code = kContextLengthCode;
  }
  scrub(cfg, e);
  return e;
}

Error bad_response(std::string message) { return bad_response_error(std::move(message), "api_error"); }

Error too_deep_response(std::string_view what) {
  Error e = bad_response(std::string(what) + " nests arrays and objects deeper than " + std::to_string(kJsonMaxDepth) +
                         " levels");
  e.code = "upstream_json_too_deep";
  return e;
}

void scrub(const Config& cfg, Error& e) {
  for (std::string* field : {&e.message, &e.type, &e.code, &e.param}) {
    for (const std::string& secret : cfg.secrets) replace_all(*field, secret, "[REDACTED]");
    mask_key_fragments(*field);
  }
}

}  // namespace llmgw::provider_anthropic

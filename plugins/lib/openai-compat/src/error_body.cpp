#include <openai_compat/error_body.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <llmgw/json_depth.hpp>

#include <cctype>

namespace llmgw::openai_compat {
namespace {

using rapidjson::Value;

std::string_view trim(std::string_view s) noexcept {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

/// The first `max` bytes of `s`, cut back to a UTF-8 character boundary.
std::string_view utf8_prefix(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // s[n] continues a char
  return s.substr(0, n);
}

const Value* member(const Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

/// Copies a string or integer member into `out`; returns the integer when it was one.
void read_text(const Value& obj, const char* name, std::string& out, int* numeric = nullptr) {
  const Value* v = member(obj, name);
  if (!v) return;
  if (v->IsString()) {
    out.assign(v->GetString(), v->GetStringLength());
  } else if (v->IsInt()) {
    out = std::to_string(v->GetInt());
    if (numeric) *numeric = v->GetInt();
  } else if (v->IsInt64() || v->IsUint64() || v->IsDouble()) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    v->Accept(w);
    out.assign(sb.GetString(), sb.GetSize());
  }
}

std::string compact_json(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(utf8_prefix(std::string_view(sb.GetString(), sb.GetSize()), kMaxTextMessageBytes));
}

bool contains(std::string_view hay, std::string_view needle) noexcept {
  return hay.find(needle) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

ErrorFields parse_error_body(std::string_view body) {
  ErrorFields f;
  const std::string_view text = trim(body);
  if (!text.empty() && text.front() == '{') {
    rapidjson::Document doc;
    // Bounded: compact_json walks "detail" back out. Too deep is read as text, like malformed.
    if (llmgw::parse_bounded(doc, text).ok() && doc.IsObject()) {
      if (const Value* e = member(doc, "error"); e && (e->IsObject() || e->IsString())) {
        if (e->IsObject()) {
          read_text(*e, "message", f.message);
          read_text(*e, "type", f.type);
          read_text(*e, "param", f.param);
          read_text(*e, "code", f.code, &f.numeric_code);
          if (const Value* inner = member(*e, "innererror")) read_text(*inner, "code", f.inner_code);
        } else {
          f.message.assign(e->GetString(), e->GetStringLength());
          read_text(doc, "type", f.type);
          if (f.type.empty()) read_text(doc, "error_type", f.type);  // Hugging Face TGI
          read_text(doc, "code", f.code, &f.numeric_code);
        }
        return f;
      }
      if (const Value* m = member(doc, "message"); m && m->IsString()) {
        f.message.assign(m->GetString(), m->GetStringLength());
        read_text(doc, "type", f.type);
        read_text(doc, "param", f.param);
        read_text(doc, "code", f.code, &f.numeric_code);
        return f;
      }
      if (const Value* d = member(doc, "detail")) {
        if (d->IsString()) f.message.assign(d->GetString(), d->GetStringLength());
        else f.message = compact_json(*d);
        return f;
      }
    }
  }
  f.message.assign(utf8_prefix(text, kMaxTextMessageBytes));
  return f;
}

int status_for_embedded_error(const ErrorFields& f) {
  if (f.numeric_code >= 400 && f.numeric_code <= 599) return f.numeric_code;
  if (all_digits(f.code)) {
    const int n = std::stoi(f.code);
    if (n >= 400 && n <= 599) return n;
  }
  const std::string_view t = f.type, c = f.code;
  if (c == "context_length_exceeded" || c == "content_filter" || c == "content_policy_violation") return 400;
  if (c == "insufficient_quota" || c == "rate_limit_exceeded" || t == "rate_limit_error" ||
      t == "insufficient_quota" || t == "requests" || t == "tokens")
    return 429;
  if (c == "invalid_api_key" || t == "authentication_error") return 401;
  if (t == "permission_error") return 403;
  if (c == "model_not_found" || t == "not_found_error" || t == "NotFoundError") return 404;
  if (t == "invalid_request_error" || t == "BadRequestError") return 400;
  if (t == "overloaded_error" || t == "service_unavailable_error") return 503;
  return 500;
}

std::string_view default_error_type(int status) noexcept {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 408: return "timeout_error";
    case 409: return "conflict_error";
    case 402:
    case 429: return "rate_limit_error";
    default: break;
  }
  if (status >= 400 && status < 500) return "invalid_request_error";
  return "server_error";
}

Error classify_error(int status, ErrorFields f, int64_t retry_after_ms) {
  const std::string msg = lower(f.message);
  const std::string_view code = f.code, type = f.type;
  const bool content = code == "content_filter" || code == "content_policy_violation" ||
                       f.inner_code == "ResponsibleAIPolicyViolation";
  const bool context = code == "context_length_exceeded" || contains(msg, "maximum context length") ||
                       contains(msg, "context window") || contains(msg, "context length");
  const bool not_found = code == "model_not_found" || code == "DeploymentNotFound" ||
                         code == "deployment_not_found" || type == "NotFoundError";
  const bool quota = code == "insufficient_quota" || type == "insufficient_quota" ||
                     code == "billing_hard_limit_reached";

  Error e;
  e.status = status;
  bool keep_retry = false;
  if (status >= 400 && status < 500) {
    if (status == 429 || status == 402) {
      e.error_class = LLMGW_ERR_RATE_LIMITED;
      keep_retry = status == 429 && !quota;
    } else if (content) {
      e.error_class = LLMGW_ERR_CONTENT_POLICY;
    } else if (status == 401 || status == 403) {
      e.error_class = LLMGW_ERR_AUTH;
    } else if (status == 408 || status == 409) {
      e.error_class = LLMGW_ERR_TRANSIENT;
      keep_retry = true;
    } else if (context) {
      e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
    } else if (not_found) {
      e.error_class = LLMGW_ERR_NOT_FOUND;
    } else {
      e.error_class = LLMGW_ERR_INVALID_REQUEST;
    }
  } else if (status >= 500 && status < 600) {
    e.error_class = LLMGW_ERR_TRANSIENT;
    keep_retry = true;
  } else {
    e.error_class = LLMGW_ERR_BAD_RESPONSE;
    e.status = 502;
  }
  e.retry_after_ms = keep_retry ? retry_after_ms : -1;
  e.type = f.type.empty() ? std::string(default_error_type(e.status)) : std::move(f.type);
  e.code = std::move(f.code);
  e.param = std::move(f.param);
  e.message = f.message.empty() ? "upstream returned HTTP " + std::to_string(status) : std::move(f.message);
  return e;
}

void redact(std::string& text, const std::string_view* secrets, std::size_t count) {
  static constexpr std::string_view kMark = "[REDACTED]";
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view s = secrets[i];
    if (s.empty()) continue;
    for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + kMark.size()))
      text.replace(at, s.size(), kMark);
  }
  auto key_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '*';
  };
  for (std::size_t at = text.find("sk-"); at != std::string::npos; at = text.find("sk-", at + 3)) {
    if (at > 0 && key_char(text[at - 1])) continue;  // inside a word ("task-…")
    std::size_t end = at + 3;
    while (end < text.size() && key_char(text[end])) ++end;
    if (end - at - 3 >= 4) text.replace(at, end - at, "sk-***");
  }
}

}  // namespace llmgw::openai_compat

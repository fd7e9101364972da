#include "codec.hpp"

#include "embeddings.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/completion_writer.hpp>
#include <plugin_util/error_text.hpp>
#include <plugin_util/usage_writer.hpp>

namespace llmgw::provider_cohere {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

void scrub(const Config& cfg, Error& e) {
  for (const std::string& s : cfg.secrets)
    for (std::size_t p = s.empty() ? std::string::npos : e.message.find(s); p != std::string::npos;
         p = e.message.find(s, p + sizeof("[REDACTED]") - 1))  // past the replacement: cannot loop
      e.message.replace(p, s.size(), "[REDACTED]");
}

/// An error reported in a 2xx body or a stream event, by its text.
Error error_from_text(const Config& cfg, std::string_view text, int status) {
  Error e;
  e.status = status;
  e.message = text.empty() ? "upstream reported an error" : std::string(text);
  e.error_class = status >= 500 ? LLMGW_ERR_TRANSIENT : LLMGW_ERR_INVALID_REQUEST;
  e.type = status >= 500 ? "api_error" : "invalid_request_error";
  scrub(cfg, e);
  return e;
}

}  // namespace

llmgw_usage usage_of(const Value& u) {
  llmgw_usage out = unknown_usage();
  const Value* counts = member(u, "tokens");
  if (!counts) counts = member(u, "billed_units");
  if (counts) {
    out.prompt_tokens = token_count(member(*counts, "input_tokens"));
    out.completion_tokens = token_count(member(*counts, "output_tokens"));
  }
  out.cached_tokens = token_count(member(u, "cached_tokens"));
  return out;
}

Error error_from_response(const Config& cfg, const llmgw_upstream_response& r) {
  Error e;
  const int s = r.status;
  e.status = s;
  rapidjson::Document doc;
  const std::string_view body = view(r.body);
  if (plugin_util::parse_bounded(doc, body) == plugin_util::JsonParse::kOk && str_member(doc, "message").size())
    e.message = str_member(doc, "message");
  else
    e.message = std::string(body.substr(0, 500));
  if (e.message.empty()) e.message = "upstream returned HTTP " + std::to_string(s);
  if (s == 401 || s == 403 || s == 498) {
    e.error_class = LLMGW_ERR_AUTH;
    e.status = s == 498 ? 401 : s;
    e.type = s == 403 ? "permission_error" : "authentication_error";
  } else if (s == 404) {
    e.error_class = LLMGW_ERR_NOT_FOUND;
    e.type = "not_found_error";
  } else if (s == 429 || s == 402) {
    e.error_class = LLMGW_ERR_RATE_LIMITED;
    e.type = "rate_limit_error";
  } else if (s == 408 || s == 409 || s == 499 || (s >= 500 && s <= 599)) {
    e.error_class = LLMGW_ERR_TRANSIENT;
    e.type = "api_error";
  } else if (s >= 400 && s <= 499) {
    e.error_class = LLMGW_ERR_INVALID_REQUEST;
    e.type = "invalid_request_error";
    if (plugin_util::mentions_any(e.message, kContextWindowHints)) {
      e.error_class = LLMGW_ERR_CONTEXT_WINDOW;
      e.code = "context_length_exceeded";
    }
  } else {
    e = bad_response_error("upstream answered HTTP " + std::to_string(s), "api_error");
  }
  if (e.error_class == LLMGW_ERR_RATE_LIMITED || e.error_class == LLMGW_ERR_TRANSIENT) {
    const std::string_view ra = find_header(r.headers, r.header_count, "retry-after");
    int64_t secs = 0;
    bool ok = !ra.empty() && ra.size() < 10;
    for (char c : ra) ok = ok && c >= '0' && c <= '9', secs = secs * 10 + (c - '0');
    e.retry_after_ms = ok ? secs * 1000 : -1;
  }
  scrub(cfg, e);
  return e;
}

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_s) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  if (call.operation == LLMGW_OP_EMBEDDINGS) return decode_embeddings(cfg, call, r, out);
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, view(r.body));
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response_error(p == plugin_util::JsonParse::kTooDeep ? "upstream returned a body nested deeper than 128 levels"
                                                                                      : "upstream returned a body that is not a JSON object"));
  const Value* msg = member(doc, "message");
  if (!msg || !msg->IsObject()) {
    if (const std::string_view text = str_member(doc, "message"); !text.empty()) return report_error(out, error_from_text(cfg, text, 500));
    return report_error(out, bad_response_error("upstream response has no message"));
  }
  std::string text, thinking;
  if (const Value* content = member(*msg, "content"); content && content->IsArray()) {
    for (const Value& c : content->GetArray()) {
      const std::string_view type = str_member(c, "type");
      if (type == "text") text += str_member(c, "text");
      else if (type == "thinking") thinking += str_member(c, "thinking");
    }
  }
  const std::string_view plan = str_member(*msg, "tool_plan");
  if (!plan.empty()) thinking += plan;
  const Value* calls = member(*msg, "tool_calls");
  const bool called = calls && calls->IsArray() && !calls->Empty();
  const llmgw_usage usage = usage_of(get(doc, "usage"));

  const std::string_view id = str_member(doc, "id");
  rapidjson::StringBuffer sb;
  Writer w(sb);
  plugin_util::write_completion(
      w, id.empty() ? std::string_view("chatcmpl-cohere") : id, now_unix_s, view(call.model),
      [&](Writer& w) {
        plugin_util::write_choice(
            w, 0, text, thinking, called,
            [&](Writer& w) {
              for (const Value& c : calls->GetArray()) {
                const Value& f = get(c, "function");
                const Value& args = get(f, "arguments");
                plugin_util::write_tool_call(
                    w, str_member(c, "id"), str_member(f, "name"),
                    args.IsString() ? std::string(sv(args)) : args.IsObject() ? compact(args) : std::string("{}"));
              }
            },
            finish_reason_for(str_member(doc, "finish_reason"), called));
      },
      [&](Writer& w) { plugin_util::write_canonical_usage(w, usage); });
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  out.set_usage(out.ctx, &usage);
  return LLMGW_OK;
}

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created)
    : cfg_(cfg), include_usage_(include_usage), chunks_("chatcmpl-cohere", model, created) {}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  if (usage_.prompt_tokens >= 0) out.set_usage(out.ctx, &usage_);
  return phase_.fail(std::move(e));
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  return plugin_util::feed_sse(phase_, framer_, bytes, out, [&](std::string_view data) { return on_event(data, out); });
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  return plugin_util::close_sse(
      phase_, framer_, out, [&](std::string_view data) { return on_event(data, out); },
      [&] { fail(bad_response_error("upstream stream ended before message-end"), out); });
}

bool Stream::on_event(std::string_view data, const llmgw_event_out& out) {
  if (data.empty() || data == "[DONE]") return true;
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, data);
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return fail(bad_response_error(p == plugin_util::JsonParse::kTooDeep ? "upstream stream event nests deeper than 128 levels"
                                                                         : "upstream stream event is not a JSON object"),
                out);
  const std::string_view type = str_member(doc, "type");
  const Value& message = get(get(doc, "delta"), "message");
  if (type == "message-start") {
    if (const std::string_view id = str_member(doc, "id"); !id.empty()) chunks_.set_id(std::string(id));
    chunks_.role(out);
  } else if (type == "content-start" || type == "content-delta") {
    const Value& content = get(message, "content");
    if (const std::string_view text = str_member(content, "text"); !text.empty())
      chunks_.content(out, text);
    if (const std::string_view thinking = str_member(content, "thinking"); !thinking.empty())
      chunks_.reasoning(out, thinking);
  } else if (type == "tool-plan-delta") {
    if (const std::string_view plan = str_member(message, "tool_plan"); !plan.empty())
      chunks_.reasoning(out, plan);
  } else if (type == "tool-call-start" || type == "tool-call-delta") {
    const Value& call = get(message, "tool_calls");
    const Value& f = get(call, "function");
    const bool start = type == "tool-call-start";
    if (start) current_tool_ = tools_++;
    if (current_tool_ < 0) return true;
    const std::string_view args = str_member(f, "arguments");
    if (!start && args.empty()) return true;
    const auto index = static_cast<uint64_t>(current_tool_);
    if (start) chunks_.tool_call(out, index, str_member(call, "id"), str_member(f, "name"), args);
    else chunks_.tool_arguments(out, index, args);
  } else if (type == "message-end") {
    const Value& delta = get(doc, "delta");
    if (const Value* err = member(delta, "error"))
      return fail(error_from_text(cfg_, err->IsString() ? sv(*err) : std::string_view("upstream stream failed"), 500), out);
    usage_ = usage_of(get(delta, "usage"));
    chunks_.finish(out, finish_reason_for(str_member(delta, "finish_reason"), tools_ > 0));
    if (include_usage_) chunks_.usage(out, [&](Writer& w) { plugin_util::write_canonical_usage(w, usage_); });
    out.set_usage(out.ctx, &usage_);
    phase_.done();
    return false;
  } else if (const std::string_view text = str_member(doc, "message"); type.empty() && !text.empty()) {
    return fail(error_from_text(cfg_, text, 500), out);  // {"message": "..."}: an error mid-stream
  }
  return true;
}

}  // namespace llmgw::provider_cohere

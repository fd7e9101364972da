#include "codec.hpp"

#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>

namespace llmgw::provider_cohere {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void scrub(const Config& cfg, Error& e) {
  for (const std::string& s : cfg.secrets)
    for (std::size_t p = s.empty() ? std::string::npos : e.message.find(s); p != std::string::npos; p = e.message.find(s, p))
      e.message.replace(p, s.size(), "[REDACTED]");
}

void write_usage(Writer& w, const llmgw_usage& u) {
  const int64_t p = u.prompt_tokens > 0 ? u.prompt_tokens : 0;
  const int64_t c = u.completion_tokens > 0 ? u.completion_tokens : 0;
  w.StartObject();
  w.Key("prompt_tokens");
  w.Int64(p);
  w.Key("completion_tokens");
  w.Int64(c);
  w.Key("total_tokens");
  w.Int64(p + c);
  w.Key("prompt_tokens_details");
  w.StartObject();
  w.Key("cached_tokens");
  w.Int64(u.cached_tokens > 0 ? u.cached_tokens : 0);
  w.EndObject();
  w.EndObject();
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

template <typename Delta>
auto choice(Delta&& delta, std::string_view finish = {}) {
  return [&delta, finish](Writer& w) {
    w.Key("choices");
    w.StartArray();
    w.StartObject();
    w.Key("index");
    w.Int(0);
    w.Key("delta");
    w.StartObject();
    delta(w);
    w.EndObject();
    w.Key("finish_reason");
    if (finish.empty()) w.Null();
    else string(w, finish);
    w.EndObject();
    w.EndArray();
  };
}

}  // namespace

llmgw_usage usage_of(const Value& u) {
  llmgw_usage out = unknown_usage();
  const Value* counts = member(u, "tokens");
  if (!counts) counts = member(u, "billed_units");
  if (counts) {
    if (const Value* i = member(*counts, "input_tokens"); i && i->IsNumber()) out.prompt_tokens = static_cast<int64_t>(i->GetDouble());
    if (const Value* o = member(*counts, "output_tokens"); o && o->IsNumber()) out.completion_tokens = static_cast<int64_t>(o->GetDouble());
  }
  if (const Value* c = member(u, "cached_tokens"); c && c->IsNumber()) out.cached_tokens = static_cast<int64_t>(c->GetDouble());
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
    const std::string m = lower(e.message);
    for (std::string_view h : kContextWindowHints)
      if (m.find(h) != std::string::npos) {
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

  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  key_string(w, "id", std::string_view(str_member(doc, "id")).empty() ? std::string_view("chatcmpl-cohere") : str_member(doc, "id"));
  key_string(w, "object", "chat.completion");
  w.Key("created");
  w.Int64(now_unix_s);
  key_string(w, "model", view(call.model));
  w.Key("choices");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(0);
  w.Key("message");
  w.StartObject();
  key_string(w, "role", "assistant");
  w.Key("content");
  if (text.empty() && called) w.Null();
  else string(w, text);
  if (!thinking.empty()) key_string(w, "reasoning_content", thinking);
  if (called) {
    w.Key("tool_calls");
    w.StartArray();
    for (const Value& c : calls->GetArray()) {
      const Value& f = get(c, "function");
      w.StartObject();
      key_string(w, "id", str_member(c, "id"));
      key_string(w, "type", "function");
      w.Key("function");
      w.StartObject();
      key_string(w, "name", str_member(f, "name"));
      const Value& args = get(f, "arguments");
      key_string(w, "arguments", args.IsString() ? std::string(sv(args)) : args.IsObject() ? compact(args) : std::string("{}"));
      w.EndObject();
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  key_string(w, "finish_reason", finish_reason_for(str_member(doc, "finish_reason"), called));
  w.EndObject();
  w.EndArray();
  w.Key("usage");
  write_usage(w, usage);
  w.EndObject();
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  out.set_usage(out.ctx, &usage);
  return LLMGW_OK;
}

bool wants_stream_usage(std::string_view body) {
  if (body.find("include_usage") == std::string_view::npos) return false;
  rapidjson::Document doc;
  if (plugin_util::parse_bounded(doc, body) != plugin_util::JsonParse::kOk) return false;
  const Value* v = member(get(doc, "stream_options"), "include_usage");
  return v && v->IsTrue();
}

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created)
    : cfg_(cfg), include_usage_(include_usage), model_(model), created_(created) {}

template <typename Body>
void Stream::emit(const llmgw_event_out& out, Body&& body) {
  chunk_.Clear();
  Writer w(chunk_);
  w.StartObject();
  key_string(w, "id", id_);
  key_string(w, "object", "chat.completion.chunk");
  w.Key("created");
  w.Int64(created_);
  key_string(w, "model", model_);
  body(w);
  w.EndObject();
  out.emit_chunk(out.ctx, llmgw_str{chunk_.GetString(), chunk_.GetSize()});
}

llmgw_status Stream::status(const llmgw_event_out& out) {
  switch (phase_) {
    case Phase::kMore: return LLMGW_NEED_MORE;
    case Phase::kDone: return LLMGW_DONE;
    case Phase::kError: break;
  }
  return report_error(out, error_);
}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  if (usage_.prompt_tokens >= 0) out.set_usage(out.ctx, &usage_);
  error_ = std::move(e);
  phase_ = Phase::kError;
  return false;
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  if (phase_ != Phase::kMore) return status(out);
  auto on = [&](std::string_view data) { return on_event(data, out); };
  framer_.feed(bytes, on);
  return status(out);
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  auto on = [&](std::string_view data) { return on_event(data, out); };
  if (phase_ == Phase::kMore) framer_.finish(on);
  if (phase_ == Phase::kMore) fail(bad_response_error("upstream stream ended before message-end"), out);
  return status(out);
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
    if (const std::string_view id = str_member(doc, "id"); !id.empty()) id_ = id;
    emit(out, choice([](Writer& w) { key_string(w, "role", "assistant"); }));
  } else if (type == "content-start" || type == "content-delta") {
    const Value& content = get(message, "content");
    if (const std::string_view text = str_member(content, "text"); !text.empty())
      emit(out, choice([&](Writer& w) { key_string(w, "content", text); }));
    if (const std::string_view thinking = str_member(content, "thinking"); !thinking.empty())
      emit(out, choice([&](Writer& w) { key_string(w, "reasoning_content", thinking); }));
  } else if (type == "tool-plan-delta") {
    if (const std::string_view plan = str_member(message, "tool_plan"); !plan.empty())
      emit(out, choice([&](Writer& w) { key_string(w, "reasoning_content", plan); }));
  } else if (type == "tool-call-start" || type == "tool-call-delta") {
    const Value& call = get(message, "tool_calls");
    const Value& f = get(call, "function");
    const bool start = type == "tool-call-start";
    if (start) current_tool_ = tools_++;
    if (current_tool_ < 0) return true;
    const std::string_view args = str_member(f, "arguments");
    if (!start && args.empty()) return true;
    emit(out, choice([&](Writer& w) {
      w.Key("tool_calls");
      w.StartArray();
      w.StartObject();
      w.Key("index");
      w.Int(current_tool_);
      if (start) {
        key_string(w, "id", str_member(call, "id"));
        key_string(w, "type", "function");
      }
      w.Key("function");
      w.StartObject();
      if (start) key_string(w, "name", str_member(f, "name"));
      key_string(w, "arguments", args);
      w.EndObject();
      w.EndObject();
      w.EndArray();
    }));
  } else if (type == "message-end") {
    const Value& delta = get(doc, "delta");
    if (const Value* err = member(delta, "error"))
      return fail(error_from_text(cfg_, err->IsString() ? sv(*err) : std::string_view("upstream stream failed"), 500), out);
    usage_ = usage_of(get(delta, "usage"));
    emit(out, choice([](Writer&) {}, finish_reason_for(str_member(delta, "finish_reason"), tools_ > 0)));
    if (include_usage_) {
      emit(out, [&](Writer& w) {
        w.Key("choices");
        w.StartArray();
        w.EndArray();
        w.Key("usage");
        write_usage(w, usage_);
      });
    }
    out.set_usage(out.ctx, &usage_);
    phase_ = Phase::kDone;
    return false;
  } else if (const std::string_view text = str_member(doc, "message"); type.empty() && !text.empty()) {
    return fail(error_from_text(cfg_, text, 500), out);  // {"message": "..."}: an error mid-stream
  }
  return true;
}

}  // namespace llmgw::provider_cohere

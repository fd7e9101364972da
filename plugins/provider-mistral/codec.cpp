#include "codec.hpp"

#include "embeddings.hpp"
#include "tool_ids.hpp"
#include "wire.hpp"

#include <openai_compat/error_body.hpp>
#include <openai_compat/retry_after.hpp>

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/json_helpers.hpp>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <vector>

namespace llmgw::provider_mistral {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

struct Refused {
  llmgw_status status;
  std::string message;
};

std::string_view sv(const Value& v) { return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view(); }

Value* find(Value& obj, const char* name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

void set_string(Value& v, std::string_view s, Allocator& a) { v.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a); }

/// Removes the canonical extensions Mistral refuses from a content part list or a tool.
void strip_cache_control(Value& v) {
  if (v.IsObject()) v.RemoveMember("cache_control");
  if (v.IsArray())
    for (auto& p : v.GetArray())
      if (p.IsObject()) p.RemoveMember("cache_control");
}

void rewrite_messages(Value& messages, Allocator& a) {
  if (!messages.IsArray()) return;
  for (auto& m : messages.GetArray()) {
    if (!m.IsObject()) continue;
    for (const char* k : {"cache_control", "thinking_blocks", "reasoning_content"}) m.RemoveMember(k);
    if (Value* content = find(m, "content")) strip_cache_control(*content);
    if (Value* id = find(m, "tool_call_id"); id && id->IsString()) set_string(*id, mistral_tool_id(sv(*id)), a);
    if (Value* calls = find(m, "tool_calls"); calls && calls->IsArray()) {
      for (auto& c : calls->GetArray()) {
        if (Value* id = find(c, "id"); id && id->IsString()) set_string(*id, mistral_tool_id(sv(*id)), a);
        if (c.IsObject()) c.RemoveMember("cache_control");
      }
    }
  }
}

void translate(const Config& cfg, Value& body, Allocator& a) {
  if (!body.IsObject()) throw Refused{LLMGW_BAD_ARGUMENT, "the request body is not a JSON object"};
  if (Value* lp = find(body, "logprobs"); lp && lp->IsTrue())
    throw Refused{LLMGW_UNSUPPORTED, "logprobs is not supported by Mistral (param logprobs)"};
  if (Value* m = find(body, "messages")) rewrite_messages(*m, a);
  if (Value* tools = find(body, "tools"); tools && tools->IsArray())
    for (auto& t : tools->GetArray()) strip_cache_control(t);
  if (Value* tc = find(body, "tool_choice"); tc && tc->IsString() && sv(*tc) == "required") tc->SetString("any", a);
  if (Value* seed = find(body, "seed")) {
    Value copy(*seed, a);
    body.RemoveMember("seed");
    if (!body.HasMember("random_seed")) body.AddMember("random_seed", copy, a);
  }
  if (Value* mct = find(body, "max_completion_tokens")) {
    Value copy(*mct, a);
    body.RemoveMember("max_completion_tokens");
    if (!body.HasMember("max_tokens")) body.AddMember("max_tokens", copy, a);
  }
  body.RemoveMember("logprobs");
  body.RemoveMember("top_logprobs");
  for (std::string_view k : kDropped) body.RemoveMember(Value(rapidjson::StringRef(k.data(), k.size())));
  if (cfg.safe_prompt && !body.HasMember("safe_prompt")) body.AddMember("safe_prompt", true, a);
}

Error classified(const Config& cfg, int status, openai_compat::ErrorFields f, int64_t retry_after) {
  Error e = openai_compat::classify_error(status, std::move(f), retry_after);
  std::vector<std::string_view> secrets(cfg.secrets.begin(), cfg.secrets.end());
  for (std::string* field : {&e.message, &e.type, &e.code, &e.param}) openai_compat::redact(*field, secrets.data(), secrets.size());
  return e;
}

/// A 2xx body or stream event that reports an error ({"object":"error"} or "error").
bool is_error(const Value& doc) {
  if (!doc.IsObject()) return false;
  auto obj = doc.FindMember("object");
  return doc.HasMember("error") || (obj != doc.MemberEnd() && sv(obj->value) == "error");
}

void map_finish_reasons(Value& doc, Allocator& a) {
  Value* choices = find(doc, "choices");
  if (!choices || !choices->IsArray()) return;
  for (auto& c : choices->GetArray()) {
    Value* f = find(c, "finish_reason");
    if (f && f->IsString() && canonical_finish(sv(*f)) != sv(*f)) set_string(*f, canonical_finish(sv(*f)), a);
  }
}

llmgw_usage usage_of(const Value& u) {
  llmgw_usage out = unknown_usage();
  if (!u.IsObject()) return out;
  auto num = [](const Value& obj, const char* k) {
    return plugin_util::json::token_count(plugin_util::json::member(obj, k));
  };
  out.prompt_tokens = num(u, "prompt_tokens");
  out.completion_tokens = num(u, "completion_tokens");
  if (auto d = u.FindMember("prompt_tokens_details"); d != u.MemberEnd() && d->value.IsObject())
    out.cached_tokens = num(d->value, "cached_tokens");
  return out;
}

std::string compact(const Value& v) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace

llmgw_status encode_chat_body(const Config& cfg, const llmgw_call& call, const BodyOptions& options,
                              rapidjson::StringBuffer& sb, const llmgw_writer* error) {
  rapidjson::Document body;
  switch (plugin_util::parse_bounded(body, view(call.body))) {
    case plugin_util::JsonParse::kOk: break;
    case plugin_util::JsonParse::kTooDeep: write(error, "the request body nests deeper than 128 levels"); return LLMGW_BAD_ARGUMENT;
    case plugin_util::JsonParse::kSyntax: write(error, "the request body is not valid JSON"); return LLMGW_BAD_ARGUMENT;
  }
  try {
    translate(cfg, body, body.GetAllocator());
  } catch (const Refused& r) {
    write(error, r.message);
    return r.status;
  }
  auto& a = body.GetAllocator();
  if (!options.model.empty()) {
    body.RemoveMember("model");
    body.AddMember("model", Value(options.model.data(), static_cast<rapidjson::SizeType>(options.model.size()), a), a);
  }
  if (options.stream) {
    body.RemoveMember("stream");
    body.AddMember("stream", *options.stream, a);
  }
  Writer w(sb);
  body.Accept(w);
  return LLMGW_OK;
}

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) {
  if (call.operation == LLMGW_OP_EMBEDDINGS) return encode_embeddings(cfg, call, out, error);
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, "provider-mistral supports chat and embeddings only");
    return LLMGW_UNSUPPORTED;
  }
  rapidjson::StringBuffer sb;
  if (const llmgw_status st = encode_chat_body(cfg, call, BodyOptions{}, sb, error); st != LLMGW_OK) return st;
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.chat_url));
  out.add_header(out.ctx, str("content-type"), str("application/json"));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  return LLMGW_OK;
}

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out) {
  const std::string_view body = view(r.body);
  if (r.status < 200 || r.status > 299) {
    const int64_t retry = openai_compat::retry_after_from_headers(r.headers, r.header_count, openai_compat::unix_now_ms());
    return report_error(out, classified(cfg, r.status, openai_compat::parse_error_body(body), retry));
  }
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, body);
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response_error(p == plugin_util::JsonParse::kTooDeep
                                                    ? "upstream returned a body nested deeper than 128 levels"
                                                    : "upstream returned a 2xx body that is not a JSON object",
                                                "server_error"));
  if (is_error(doc)) {
    openai_compat::ErrorFields f = openai_compat::parse_error_body(body);
    const int status = openai_compat::status_for_embedded_error(f);
    return report_error(out, classified(cfg, status, std::move(f), -1));
  }
  if (call.operation == LLMGW_OP_EMBEDDINGS) return decode_embeddings(call, doc, out);
  if (!doc.HasMember("choices")) return report_error(out, bad_response_error("upstream response has no choices", "server_error"));
  map_finish_reasons(doc, doc.GetAllocator());
  rapidjson::StringBuffer sb;
  Writer w(sb);
  doc.Accept(w);
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  if (auto u = doc.FindMember("usage"); u != doc.MemberEnd()) {
    const llmgw_usage usage = usage_of(u->value);
    out.set_usage(out.ctx, &usage);
  }
  return LLMGW_OK;
}

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
      [&] { fail(bad_response_error("upstream stream ended before [DONE]", "server_error"), out); });
}

bool Stream::on_event(std::string_view data, const llmgw_event_out& out) {
  if (data == "[DONE]") {
    if (include_usage_ && !usage_json_.empty()) {
      std::string chunk = "{" + head_ + "\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":" + usage_json_ + "}";
      out.emit_chunk(out.ctx, str(chunk));
    }
    if (usage_.prompt_tokens >= 0 || usage_.completion_tokens >= 0) out.set_usage(out.ctx, &usage_);
    phase_.done();
    return false;
  }
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, data);
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return fail(bad_response_error(p == plugin_util::JsonParse::kTooDeep ? "upstream stream event nests deeper than 128 levels"
                                                                         : "upstream stream event is not a JSON object",
                                   "server_error"),
                out);
  if (is_error(doc)) {
    openai_compat::ErrorFields f = openai_compat::parse_error_body(data);
    const int st = openai_compat::status_for_embedded_error(f);
    return fail(classified(cfg_, st, std::move(f), -1), out);
  }
  if (auto u = doc.FindMember("usage"); u != doc.MemberEnd()) {
    if (u->value.IsObject()) {
      usage_ = usage_of(u->value);
      usage_json_ = compact(u->value);
    }
    doc.RemoveMember("usage");
  }
  head_.clear();
  for (const char* k : {"id", "created", "model"})
    if (auto it = doc.FindMember(k); it != doc.MemberEnd()) head_ += "\"" + std::string(k) + "\":" + compact(it->value) + ",";
  map_finish_reasons(doc, doc.GetAllocator());
  chunk_.Clear();
  Writer w(chunk_);
  doc.Accept(w);
  out.emit_chunk(out.ctx, llmgw_str{chunk_.GetString(), chunk_.GetSize()});
  return true;
}

}  // namespace llmgw::provider_mistral

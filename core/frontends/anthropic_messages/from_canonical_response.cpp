#include "frontends/anthropic_messages/from_canonical_response.hpp"

#include <rapidjson/document.h>

#include <llmgw/plugin.h>

#include <llmgw/json_depth.hpp>

#include "frontends/anthropic_messages/codec_util.hpp"

namespace llmgw::frontends::anthropic {
namespace {

using detail::JsonWriter;
using detail::member;
using detail::string_member;
using detail::write_kv;
using rapidjson::Value;

void thinking_block(JsonWriter& w, std::string_view thinking, std::string_view signature) {
  w.StartObject();
  write_kv(w, "type", "thinking");
  write_kv(w, "thinking", thinking);
  write_kv(w, "signature", signature);
  w.EndObject();
}

void text_block(JsonWriter& w, std::string_view text) {
  w.StartObject();
  write_kv(w, "type", "text");
  write_kv(w, "text", text);
  w.EndObject();
}

void tool_use_block(JsonWriter& w, const Value& call, unsigned max_depth) {
  const Value* fn = member(call, "function");
  std::string_view args = fn ? string_member(*fn, "arguments") : std::string_view();
  w.StartObject();
  write_kv(w, "type", "tool_use");
  write_kv(w, "id", string_member(call, "id"));
  write_kv(w, "name", fn ? string_member(*fn, "name") : std::string_view());
  w.Key("input");
  rapidjson::Document input;
  bool blank = args.find_first_not_of(" \t\r\n") == std::string_view::npos;
  // Too deep, like malformed, is kept as text: the bound keeps Accept's walk short.
  const bool parsed = !blank && detail::parse_numbers_exactly(input, args, max_depth).ok();
  if (blank) {
    w.StartObject();
    w.EndObject();
  } else if (parsed && input.IsObject()) {
    input.Accept(w);
  } else {
    w.StartObject();
    write_kv(w, "_raw", args);
    w.EndObject();
  }
  w.EndObject();
}

void content(JsonWriter& w, const Value* msg, unsigned max_depth) {
  w.Key("content");
  w.StartArray();
  if (!msg) {
    w.EndArray();
    return;
  }
  const Value* blocks = member(*msg, "thinking_blocks");
  if (blocks && blocks->IsArray() && !blocks->Empty()) {
    for (const Value& b : blocks->GetArray()) {
      if (string_member(b, "type") == "redacted_thinking") {
        w.StartObject();
        write_kv(w, "type", "redacted_thinking");
        write_kv(w, "data", string_member(b, "data"));
        w.EndObject();
      } else if (b.IsObject()) {
        thinking_block(w, string_member(b, "thinking"), string_member(b, "signature"));
      }
    }
  } else if (std::string_view r = string_member(*msg, "reasoning_content"); !r.empty()) {
    thinking_block(w, r, "");
  }
  if (const Value* c = member(*msg, "content")) {
    if (c->IsString() && c->GetStringLength() > 0) {
      text_block(w, {c->GetString(), c->GetStringLength()});
    } else if (c->IsArray()) {  // content parts: keep the text ones
      for (const Value& p : c->GetArray())
        if (string_member(p, "type") == "text" && !string_member(p, "text").empty()) text_block(w, string_member(p, "text"));
    }
  }
  if (std::string_view refusal = string_member(*msg, "refusal"); !refusal.empty()) text_block(w, refusal);
  if (const Value* calls = member(*msg, "tool_calls"); calls && calls->IsArray())
    for (const Value& call : calls->GetArray())
      if (call.IsObject()) tool_use_block(w, call, max_depth);
  w.EndArray();
}

}  // namespace

std::optional<canonical::ApiError> from_canonical_response(std::string_view canonical_json, std::string_view client_model,
                                                std::string& out, unsigned max_depth) {
  out.clear();
  rapidjson::Document doc;
  const llmgw::JsonResult parsed = detail::parse_numbers_exactly(doc, canonical_json, max_depth);
  if (!parsed || !doc.IsObject()) {
    canonical::ApiError e;
    e.status = 502;
    e.type = "api_error";
    e.error_class = LLMGW_ERR_BAD_RESPONSE;
    if (parsed.too_deep()) {
      e.code = "upstream_json_too_deep";
      e.message = "The upstream response could not be read: arrays and objects nest deeper than " +
                  std::to_string(max_depth) + " levels";
    } else {
      e.message = "The upstream response could not be read (not a JSON object)";
    }
    return e;
  }
  const Value* choice = nullptr;
  if (const Value* choices = member(doc, "choices"); choices && choices->IsArray() && !choices->Empty())
    choice = &(*choices)[0];
  const Value* msg = choice ? member(*choice, "message") : nullptr;
  std::string_view stop_sequence = choice ? string_member(*choice, "stop_sequence") : std::string_view();
  std::string_view finish = choice ? string_member(*choice, "finish_reason") : std::string_view();
  bool has_tool_calls = false;
  if (const Value* calls = msg ? member(*msg, "tool_calls") : nullptr; calls && calls->IsArray())
    has_tool_calls = !calls->Empty();

  detail::Usage usage;
  if (const Value* u = member(doc, "usage")) usage.read(*u);

  out.reserve(canonical_json.size() + 128);
  detail::StringOut os{out};
  JsonWriter w(os);
  w.StartObject();
  write_kv(w, "id", detail::message_id(string_member(doc, "id")));
  write_kv(w, "type", "message");
  write_kv(w, "role", "assistant");
  write_kv(w, "model", client_model);
  content(w, msg, max_depth);
  std::string_view reason = detail::stop_reason(finish, !stop_sequence.empty());
  if (reason == "end_turn" && has_tool_calls) reason = "tool_use";  // some upstreams say "stop" after tool calls
  write_kv(w, "stop_reason", reason);
  w.Key("stop_sequence");
  if (reason == "stop_sequence") detail::write_string(w, stop_sequence); else w.Null();
  w.Key("usage");
  detail::write_usage(w, usage);
  w.EndObject();
  return std::nullopt;
}

}  // namespace llmgw::frontends::anthropic

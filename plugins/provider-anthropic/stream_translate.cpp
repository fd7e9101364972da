// Translated streams: Messages SSE events → canonical chat.completion.chunk objects.
//
//   message_start                      → {"delta":{"role":"assistant"}} (id and model kept)
//   content_block_start text (non-"")  → delta.content
//   content_block_start tool_use       → delta.tool_calls[{index i, id, type, function{name,
//                                        arguments:""}}], i counting tool blocks from 0
//   content_block_start redacted_thinking → delta.thinking_blocks[{type, data}]
//   text_delta                         → delta.content
//   input_json_delta                   → delta.tool_calls[{index i, function{arguments}}]
//                                        (the json_schema tool's: delta.content)
//   thinking_delta                     → delta.reasoning_content
//   signature_delta                    → delta.thinking_blocks[{type:"thinking", signature}]
//   message_delta                      → {"delta":{}, "finish_reason", "stop_sequence"?}
//   message_stop                       → the usage chunk {"choices":[],"usage"} when the request
//                                        set stream_options.include_usage; set_usage; DONE
//   ping, content_block_stop, others   → nothing;  error → set_error, ERROR
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/writer.h>

#include <llmgw/json_depth.hpp>

namespace llmgw::provider_anthropic {
namespace {

using rapidjson::Value;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string_view sv(const Value& v) { return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view(); }

const Value& member(const Value& obj, const char* name) {
  static const Value kNull;
  if (!obj.IsObject()) return kNull;
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? kNull : it->value;
}

void string(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void key_string(Writer& w, const char* key, std::string_view value) {
  w.Key(key);
  string(w, value);
}

/// The delta member "thinking_blocks": [{"type": type, key: value}] (one block per chunk).
void thinking_block(Writer& w, std::string_view type, const char* key, std::string_view value) {
  w.Key("thinking_blocks");
  w.StartArray();
  w.StartObject();
  key_string(w, "type", type);
  key_string(w, key, value);
  w.EndObject();
  w.EndArray();
}

}  // namespace

bool Stream::translate_event(std::string_view data, const llmgw_event_out& out) {
  if (leading_type(data) == "ping") return true;
  // A small arena on the stack: most events parse without touching the heap.
  char value_buffer[4096];
  char parse_buffer[1024];
  char reader_buffer[512];
  rapidjson::MemoryPoolAllocator<> values(value_buffer, sizeof value_buffer);
  rapidjson::MemoryPoolAllocator<> parse(parse_buffer, sizeof parse_buffer);
  rapidjson::MemoryPoolAllocator<> reader(reader_buffer, sizeof reader_buffer);
  using EventDocument =
      rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>>;
  EventDocument doc(&values, sizeof parse_buffer, &parse);
  const JsonResult parsed = parse_bounded(doc, data, kJsonMaxDepth, &reader);
  if (parsed.too_deep()) return fail(too_deep_response("upstream stream event"), out);
  if (!parsed || !doc.IsObject())
    return fail(bad_response(closing_ ? "upstream stream ended before message_stop"
                                      : "upstream stream event is not a JSON object"),
                out);
  const std::string_view type = sv(member(doc, "type"));
  if (type == "message_start") {
    on_message_start(member(doc, "message"), out);
  } else if (type == "content_block_start") {
    on_block_start(doc, out);
  } else if (type == "content_block_delta") {
    on_block_delta(doc, out);
  } else if (type == "message_delta") {
    on_message_delta(doc, out);
  } else if (type == "message_stop") {
    on_message_stop(out);
    return false;
  } else if (type == "error") {
    const Value& e = member(doc, "error");
    return fail(error_from_type(cfg_, ErrorFields{std::string(sv(member(e, "type"))), std::string(sv(member(e, "message")))}), out);
  }
  return true;
}

void Stream::on_message_start(const Value& msg, const llmgw_event_out& out) {
  chunks_.set_id(std::string(sv(member(msg, "id"))));
  if (const std::string_view m = sv(member(msg, "model")); !m.empty()) chunks_.set_model(m);
  usage_.merge(Usage::read(member(msg, "usage")));
  chunks_.role(out);
}

void Stream::on_block_start(const Value& ev, const llmgw_event_out& out) {
  const Value& index = member(ev, "index");
  const Value& block = member(ev, "content_block");
  const std::string_view type = sv(member(block, "type"));
  if (!index.IsUint() || index.GetUint() > 100000) return;
  const std::size_t i = index.GetUint();
  if (block_tool_.size() <= i) block_tool_.resize(i + 1, kNotTool);
  if (type == "text") {
    if (const std::string_view text = sv(member(block, "text")); !text.empty())
      chunks_.content(out, text);
  } else if (type == "thinking") {
    if (const std::string_view text = sv(member(block, "thinking")); !text.empty())
      chunks_.reasoning(out, text);
  } else if (type == "redacted_thinking") {
    chunks_.delta(out, [&](Writer& w) { thinking_block(w, "redacted_thinking", "data", sv(member(block, "data"))); });
  } else if (type == "tool_use") {
    const std::string_view name = sv(member(block, "name"));
    if (!facts_.json_tool_name.empty() && name == facts_.json_tool_name && !json_output_) {
      block_tool_[i] = kJsonTool;
      json_output_ = true;
      return;
    }
    const int t = block_tool_[i] = tools_++;
    chunks_.tool_call(out, static_cast<uint64_t>(t), sv(member(block, "id")), name, "");
  }
}

void Stream::on_block_delta(const Value& ev, const llmgw_event_out& out) {
  const Value& index = member(ev, "index");
  const Value& delta = member(ev, "delta");
  const std::string_view type = sv(member(delta, "type"));
  if (type == "text_delta") {
    const std::string_view text = sv(member(delta, "text"));
    if (!text.empty()) chunks_.content(out, text);
  } else if (type == "input_json_delta") {
    const std::string_view part = sv(member(delta, "partial_json"));
    const int t = index.IsUint() && index.GetUint() < block_tool_.size() ? block_tool_[index.GetUint()] : kNotTool;
    if (part.empty() || t == kNotTool) return;
    if (t == kJsonTool) {
      chunks_.content(out, part);
      return;
    }
    chunks_.tool_arguments(out, static_cast<uint64_t>(t), part);
  } else if (type == "thinking_delta") {
    const std::string_view text = sv(member(delta, "thinking"));
    if (!text.empty()) chunks_.reasoning(out, text);
  } else if (type == "signature_delta") {
    chunks_.delta(out, [&](Writer& w) { thinking_block(w, "thinking", "signature", sv(member(delta, "signature"))); });
  }
}

void Stream::on_message_delta(const Value& ev, const llmgw_event_out& out) {
  usage_.merge(Usage::read(member(ev, "usage")));
  const Value& delta = member(ev, "delta");
  const std::string_view stop_reason = sv(member(delta, "stop_reason"));
  if (stop_reason.empty()) return;
  std::string_view finish = finish_reason_for(stop_reason);
  if (stop_reason == "tool_use" && json_output_ && tools_ == 0) finish = "stop";
  const std::string_view stop_sequence = sv(member(delta, "stop_sequence"));
  chunks_.finish(out, finish, stop_sequence);
}

void Stream::on_message_stop(const llmgw_event_out& out) {
  if (facts_.include_usage) chunks_.usage(out, [&](Writer& w) { usage_.write_canonical(w); });
  report_usage(out);
  phase_.done();
}

}  // namespace llmgw::provider_anthropic

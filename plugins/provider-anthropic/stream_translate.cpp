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

/// What the first chunk of a tool call carries besides its arguments.
struct ToolHead {
  std::string_view id;
  std::string_view name;
};

/// The delta member "tool_calls": [{"index", ["id", "type": "function",] "function": {["name",]
/// "arguments"}}], with the bracketed members only when `head` is given (a call's first chunk).
void tool_call(Writer& w, int index, const ToolHead* head, std::string_view arguments) {
  w.Key("tool_calls");
  w.StartArray();
  w.StartObject();
  w.Key("index");
  w.Int(index);
  if (head) {
    key_string(w, "id", head->id);
    key_string(w, "type", "function");
  }
  w.Key("function");
  w.StartObject();
  if (head) key_string(w, "name", head->name);
  key_string(w, "arguments", arguments);
  w.EndObject();
  w.EndObject();
  w.EndArray();
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

/// Writes one chunk: the common head, then `body(w)` writes the rest of the object's members
/// (choices, usage), then emits it.
template <typename Body>
void emit(rapidjson::StringBuffer& sb, std::string_view id, std::string_view model, int64_t created,
          const llmgw_event_out& out, Body&& body) {
  sb.Clear();
  Writer w(sb);
  w.StartObject();
  key_string(w, "id", id);
  key_string(w, "object", "chat.completion.chunk");
  w.Key("created");
  w.Int64(created);
  key_string(w, "model", model);
  body(w);
  w.EndObject();
  out.emit_chunk(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
}

/// The "choices" member of a delta chunk: `delta(w)` writes the delta's members.
template <typename Delta>
auto choice(Delta&& delta, std::string_view finish_reason = {}, std::string_view stop_sequence = {}) {
  return [&delta, finish_reason, stop_sequence](Writer& w) {
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
    if (finish_reason.empty()) w.Null();
    else string(w, finish_reason);
    if (!stop_sequence.empty()) key_string(w, "stop_sequence", stop_sequence);
    w.EndObject();
    w.EndArray();
  };
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
  id_ = sv(member(msg, "id"));
  if (const std::string_view m = sv(member(msg, "model")); !m.empty()) model_ = m;
  usage_.merge(Usage::read(member(msg, "usage")));
  emit(chunk_, id_, model_, created_, out, choice([](Writer& w) { key_string(w, "role", "assistant"); }));
}

void Stream::on_block_start(const Value& ev, const llmgw_event_out& out) {
  const Value& index = member(ev, "index");
  const Value& block = member(ev, "content_block");
  const std::string_view type = sv(member(block, "type"));
  if (!index.IsUint() || index.GetUint() > 100000) return;
  const std::size_t i = index.GetUint();
  if (block_tool_.size() <= i) block_tool_.resize(i + 1, kNotTool);
  auto emit_delta = [&](auto&& delta) { emit(chunk_, id_, model_, created_, out, choice(delta)); };

  if (type == "text") {
    if (const std::string_view text = sv(member(block, "text")); !text.empty())
      emit_delta([&](Writer& w) { key_string(w, "content", text); });
  } else if (type == "thinking") {
    if (const std::string_view text = sv(member(block, "thinking")); !text.empty())
      emit_delta([&](Writer& w) { key_string(w, "reasoning_content", text); });
  } else if (type == "redacted_thinking") {
    emit_delta([&](Writer& w) { thinking_block(w, "redacted_thinking", "data", sv(member(block, "data"))); });
  } else if (type == "tool_use") {
    const std::string_view name = sv(member(block, "name"));
    if (!facts_.json_tool_name.empty() && name == facts_.json_tool_name && !json_output_) {
      block_tool_[i] = kJsonTool;
      json_output_ = true;
      return;
    }
    const int t = block_tool_[i] = tools_++;
    const ToolHead head{sv(member(block, "id")), name};
    emit_delta([&](Writer& w) { tool_call(w, t, &head, ""); });
  }
}

void Stream::on_block_delta(const Value& ev, const llmgw_event_out& out) {
  const Value& index = member(ev, "index");
  const Value& delta = member(ev, "delta");
  const std::string_view type = sv(member(delta, "type"));
  auto emit_delta = [&](auto&& d) { emit(chunk_, id_, model_, created_, out, choice(d)); };

  if (type == "text_delta") {
    const std::string_view text = sv(member(delta, "text"));
    if (!text.empty()) emit_delta([&](Writer& w) { key_string(w, "content", text); });
  } else if (type == "input_json_delta") {
    const std::string_view part = sv(member(delta, "partial_json"));
    const int t = index.IsUint() && index.GetUint() < block_tool_.size() ? block_tool_[index.GetUint()] : kNotTool;
    if (part.empty() || t == kNotTool) return;
    if (t == kJsonTool) {
      emit_delta([&](Writer& w) { key_string(w, "content", part); });
      return;
    }
    emit_delta([&](Writer& w) { tool_call(w, t, nullptr, part); });
  } else if (type == "thinking_delta") {
    const std::string_view text = sv(member(delta, "thinking"));
    if (!text.empty()) emit_delta([&](Writer& w) { key_string(w, "reasoning_content", text); });
  } else if (type == "signature_delta") {
    emit_delta([&](Writer& w) { thinking_block(w, "thinking", "signature", sv(member(delta, "signature"))); });
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
  emit(chunk_, id_, model_, created_, out, choice([](Writer&) {}, finish, stop_sequence));
}

void Stream::on_message_stop(const llmgw_event_out& out) {
  if (facts_.include_usage) {
    emit(chunk_, id_, model_, created_, out, [&](Writer& w) {
      w.Key("choices");
      w.StartArray();
      w.EndArray();
      w.Key("usage");
      usage_.write_canonical(w);
    });
  }
  report_usage(out);
  phase_ = Phase::kDone;
}

}  // namespace llmgw::provider_anthropic

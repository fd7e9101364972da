// ChunkWriter: writes canonical OpenAI `chat.completion.chunk` objects for a translating
// provider stream and hands each to emit_chunk. One per stream; it owns the chunk's envelope
// ({"id", "object": "chat.completion.chunk", "created", "model", ...}) and one reused buffer,
// so a chunk costs no allocation once the buffer has grown.
//
//   role(out)                          {"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}
//   content(out, text)                 delta.content
//   reasoning(out, text)               delta.reasoning_content
//   tool_call(out, i, id, name, args)  delta.tool_calls[{index i, id, type function, function{name, arguments}}]
//   tool_arguments(out, i, args)       delta.tool_calls[{index i, function{arguments}}] (a later piece)
//   finish(out, reason, stop_seq)      {"delta":{}, "finish_reason": reason[, "stop_sequence"]}
//   usage(out, write)                  {"choices":[], "usage": write(w)} (stream_options.include_usage)
//   emit(out, body)                    any other chunk: body(w) writes the members after the envelope
//
// The id and model may change until the first chunk (a provider learns them from its first
// event): set_id / set_model. Member order and spelling are fixed here, so every provider's
// chunks are byte-identical in shape.
#pragma once

#include "plugin_util/json_helpers.hpp"

#include <llmgw/plugin.h>

#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::plugin_util {

class ChunkWriter {
 public:
  ChunkWriter(std::string id, std::string_view model, int64_t created) : id_(std::move(id)), model_(model), created_(created) {}

  void set_id(std::string id) { id_ = std::move(id); }
  void set_model(std::string_view model) { model_ = model; }
  const std::string& id() const { return id_; }
  const std::string& model() const { return model_; }

  /// A chunk: the envelope, then `body(w)` writes the remaining members.
  template <typename Body>
  void emit(const llmgw_event_out& out, Body&& body) {
    buf_.Clear();
    Writer w(buf_);
    w.StartObject();
    json::key_string(w, "id", id_);
    json::key_string(w, "object", "chat.completion.chunk");
    w.Key("created");
    w.Int64(created_);
    json::key_string(w, "model", model_);
    body(w);
    w.EndObject();
    out.emit_chunk(out.ctx, llmgw_str{buf_.GetString(), buf_.GetSize()});
  }

  /// A chunk whose one choice has `delta(w)` as its delta members, `finish_reason` (null when
  /// empty) and, when not empty, `stop_sequence` (the stop string that ended the answer).
  template <typename Delta>
  void delta(const llmgw_event_out& out, Delta&& delta, std::string_view finish_reason = {},
             std::string_view stop_sequence = {}) {
    emit(out, [&](Writer& w) {
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
      else json::string(w, finish_reason);
      if (!stop_sequence.empty()) json::key_string(w, "stop_sequence", stop_sequence);
      w.EndObject();
      w.EndArray();
    });
  }

  void role(const llmgw_event_out& out) {
    delta(out, [](Writer& w) { json::key_string(w, "role", "assistant"); });
  }
  void content(const llmgw_event_out& out, std::string_view text) {
    delta(out, [&](Writer& w) { json::key_string(w, "content", text); });
  }
  void reasoning(const llmgw_event_out& out, std::string_view text) {
    delta(out, [&](Writer& w) { json::key_string(w, "reasoning_content", text); });
  }

  /// A tool call's first chunk: its index among the answer's calls, id, name and the
  /// arguments so far (the whole arguments for providers that send calls whole).
  void tool_call(const llmgw_event_out& out, uint64_t index, std::string_view id, std::string_view name,
                 std::string_view arguments) {
    tool_delta(out, index, [&](Writer& w) {
      json::key_string(w, "id", id);
      json::key_string(w, "type", "function");
      w.Key("function");
      w.StartObject();
      json::key_string(w, "name", name);
      json::key_string(w, "arguments", arguments);
      w.EndObject();
    });
  }

  /// A later piece of tool call `index`'s arguments.
  void tool_arguments(const llmgw_event_out& out, uint64_t index, std::string_view arguments) {
    tool_delta(out, index, [&](Writer& w) {
      w.Key("function");
      w.StartObject();
      json::key_string(w, "arguments", arguments);
      w.EndObject();
    });
  }

  /// The finish chunk: an empty delta, `reason` and (when not empty) `stop_sequence`.
  void finish(const llmgw_event_out& out, std::string_view reason, std::string_view stop_sequence = {}) {
    delta(out, [](Writer&) {}, reason, stop_sequence);
  }

  /// The usage chunk ({"choices": [], "usage": …}); `write_usage(w)` writes the usage object.
  template <typename WriteUsage>
  void usage(const llmgw_event_out& out, WriteUsage&& write_usage) {
    emit(out, [&](Writer& w) {
      w.Key("choices");
      w.StartArray();
      w.EndArray();
      w.Key("usage");
      write_usage(w);
    });
  }

 private:
  template <typename Members>
  void tool_delta(const llmgw_event_out& out, uint64_t index, Members&& members) {
    delta(out, [&](Writer& w) {
      w.Key("tool_calls");
      w.StartArray();
      w.StartObject();
      w.Key("index");
      w.Uint64(index);
      members(w);
      w.EndObject();
      w.EndArray();
    });
  }

  std::string id_;
  std::string model_;
  int64_t created_;
  rapidjson::StringBuffer buf_;
};

}  // namespace llmgw::plugin_util

// Writing a canonical (OpenAI) `chat.completion` object from a translated upstream answer, the
// non-streamed counterpart of chunk_writer.hpp. Member order and spelling are fixed here:
//
//   {"id", "object": "chat.completion", "created", "model",
//    "choices": [{"index", "message": {"role": "assistant", "content" (null when empty and the
//                 answer calls tools), "reasoning_content"?, "tool_calls"?: [{"id",
//                 "type": "function", "function": {"name", "arguments"}}]},
//                 "logprobs": null, "finish_reason"}],
//    "usage"}
//
//   write_completion(w, id, created, model, choices, usage)   choices(w) writes the choice
//                                                             objects, usage(w) the usage object
//   write_choice(w, index, content, reasoning, has_calls, calls, finish_reason)
//                                                             calls(w) writes the tool calls
//                                                             (write_tool_call each)
//   write_choice_with(..., finish_reason, extra)              the same, extra(w) adding message
//                                                             members (thinking_blocks)
#pragma once

#include "plugin_util/json_helpers.hpp"

#include <cstdint>
#include <string_view>

namespace llmgw::plugin_util {

/// One element of message.tool_calls.
inline void write_tool_call(Writer& w, std::string_view id, std::string_view name, std::string_view arguments) {
  w.StartObject();
  json::key_string(w, "id", id);
  json::key_string(w, "type", "function");
  w.Key("function");
  w.StartObject();
  json::key_string(w, "name", name);
  json::key_string(w, "arguments", arguments);
  w.EndObject();
  w.EndObject();
}

/// One choice; `calls(w)` (only called when `has_calls`) writes the tool_calls elements;
/// `extra(w)` writes further message members after them (e.g. thinking_blocks).
template <typename Calls, typename Extra>
void write_choice_with(Writer& w, int index, std::string_view content, std::string_view reasoning, bool has_calls,
                       Calls&& calls, std::string_view finish_reason, Extra&& extra) {
  w.StartObject();
  w.Key("index");
  w.Int(index);
  w.Key("message");
  w.StartObject();
  json::key_string(w, "role", "assistant");
  w.Key("content");
  if (content.empty() && has_calls) w.Null();
  else json::string(w, content);
  if (!reasoning.empty()) json::key_string(w, "reasoning_content", reasoning);
  if (has_calls) {
    w.Key("tool_calls");
    w.StartArray();
    calls(w);
    w.EndArray();
  }
  extra(w);
  w.EndObject();
  w.Key("logprobs");
  w.Null();
  json::key_string(w, "finish_reason", finish_reason);
  w.EndObject();
}

/// One choice; `calls(w)` (only called when `has_calls`) writes the tool_calls elements.
template <typename Calls>
void write_choice(Writer& w, int index, std::string_view content, std::string_view reasoning, bool has_calls, Calls&& calls,
                  std::string_view finish_reason) {
  write_choice_with(w, index, content, reasoning, has_calls, calls, finish_reason, [](Writer&) {});
}

/// The whole chat.completion object: `choices(w)` writes the choices, `usage(w)` the usage.
template <typename Choices, typename Usage>
void write_completion(Writer& w, std::string_view id, int64_t created, std::string_view model, Choices&& choices,
                      Usage&& usage) {
  w.StartObject();
  json::key_string(w, "id", id);
  json::key_string(w, "object", "chat.completion");
  w.Key("created");
  w.Int64(created);
  json::key_string(w, "model", model);
  w.Key("choices");
  w.StartArray();
  choices(w);
  w.EndArray();
  w.Key("usage");
  usage(w);
  w.EndObject();
}

}  // namespace llmgw::plugin_util

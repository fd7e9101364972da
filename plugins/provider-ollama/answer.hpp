// One Ollama answer object (a whole /api/chat response, or one NDJSON stream line) read into
// what the canonical message / delta needs, plus the canonical helpers both decoders share:
// synthesised tool-call ids, usage.
#pragma once

#include <plugin_util/json_helpers.hpp>

#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_ollama {

using plugin_util::Value;
using plugin_util::Writer;

struct ToolCall {
  std::string_view name;
  std::string arguments;  // compact JSON
  std::string_view upstream_id;
};

struct Answer {
  std::string_view content;
  std::string_view thinking;
  std::vector<ToolCall> calls;
  bool done = false;
  std::string_view done_reason;
  int64_t prompt_eval_count = -1;
  int64_t eval_count = -1;
  std::string_view model;
  std::string_view created_at;
  std::string_view error;  // {"error": "..."}
  bool has_error = false;
};

/// Reads an answer object (views point into `obj`).
Answer read_answer(const Value& obj);

/// The id of call `index` of a stream / response: the upstream's id when it sent one, else
/// "call_" + 24 hex digits of a hash of `created_at`, the index and the name.
std::string tool_call_id(std::string_view created_at, std::size_t index, std::string_view name, std::string_view upstream_id);

/// prompt_eval_count / eval_count → llmgw_usage.
llmgw_usage usage_of(int64_t prompt, int64_t completion);

/// The canonical usage object.
void write_usage(Writer& w, int64_t prompt, int64_t completion);

}  // namespace llmgw::provider_ollama

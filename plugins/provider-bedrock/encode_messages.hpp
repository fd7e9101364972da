// Canonical messages → Converse "system" and "messages" (README.md has the table):
//   system / developer            → system [{"text"}], each cache_control part followed by
//                                   {"cachePoint": {"type": "default"}}
//   user text / image_url parts   → {"text"} / {"image": {"format", "source": {"bytes"}}} (base64
//                                   data URLs only: Bedrock fetches no URLs)
//   user file parts (file_data)   → {"document": {"format", "name", "source": {"bytes"}}} (pdf,
//                                   csv, html, txt, md, doc(x), xls(x); names made unique)
//   assistant                     → thinking_blocks → {"reasoningContent"}, text, tool_calls →
//                                   {"toolUse": {"toolUseId", "name", "input"}}
//   tool                          → a user turn's {"toolResult": {"toolUseId", "content": [{"text"}]}}
//                                   ("status": "error" when the message carries is_error: true)
//   cache_control on any part     → a cachePoint block right after it
// Consecutive turns of one Converse role are merged (Converse requires user and assistant to
// alternate; tool results and the user's next text share one user turn). Throws EncodeError.
#pragma once

#include <plugin_util/json_helpers.hpp>

namespace llmgw::provider_bedrock {

struct ConverseMessages {
  plugin_util::Value system{rapidjson::kArrayType};
  plugin_util::Value messages{rapidjson::kArrayType};
  bool has_tool_blocks = false;  // toolUse / toolResult present (Converse then requires toolConfig)
};

/// Translates canonical `messages` (strings copied into `a`).
ConverseMessages translate_messages(const plugin_util::Value& messages, plugin_util::Allocator& a);

/// {"cachePoint": {"type": "default"}}.
plugin_util::Value cache_point(plugin_util::Allocator& a);

}  // namespace llmgw::provider_bedrock

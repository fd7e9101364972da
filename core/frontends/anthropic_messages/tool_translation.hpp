// Internal to the request translator: Anthropic tools / tool_choice and structured-output
// format → their canonical (OpenAI) forms.
#pragma once

#include <optional>

#include <rapidjson/document.h>

#include "frontends/anthropic_messages/codec_util.hpp"
#include "canonical/api_error.hpp"

namespace llmgw::frontends::anthropic::detail {

/// Checks `tools` (custom tools only) and `tool_choice`; on success writes "tools",
/// "tool_choice" and "parallel_tool_calls" (nothing when there are no tools). On failure
/// returns the 400 to answer and writes nothing.
std::optional<canonical::ApiError> write_tools(JsonWriter& w, const rapidjson::Value& tools, const rapidjson::Value* tool_choice);

/// output_config.format (GA) or output_format (beta) {"type":"json_schema","schema":…} →
/// "response_format": {"type":"json_schema","json_schema":{"name":"output","schema":…,"strict":true}}.
void write_response_format(JsonWriter& w, const rapidjson::Value& request);

}  // namespace llmgw::frontends::anthropic::detail

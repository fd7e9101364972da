// Anthropic Messages request → canonical (OpenAI Chat Completions + sdk/CANONICAL.md extensions)
// request, for an Anthropic client whose call goes to a non-Anthropic upstream.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <llmgw/json_depth.hpp>

#include "canonical/api_error.hpp"

namespace llmgw::frontends::anthropic {

/// Translates `anthropic_body` (already accepted by scan_messages_request) into a canonical
/// request written to `out` (replaced), with `model` set to `upstream_model`.
///
/// - `system` (string or text blocks; cache_control kept on the parts) → a leading system message.
/// - user blocks: text → text part; image (base64 → data URL, url → URL) → image_url part;
///   document with a base64 source → file part (file_data data URL, filename = title), with a
///   text source → text part; tool_result → a `tool` message (tool_call_id, text blocks joined
///   with "\n", `"is_error": true` kept) placed before the rest of that user message; images
///   inside a tool_result go to the user message that follows (tool messages carry text only).
/// - assistant blocks: text → content; tool_use → tool_calls (arguments = compact JSON of
///   input); thinking / redacted_thinking → thinking_blocks (+ reasoning_content).
/// - tools (custom) → function tools (+cache_control, strict); tool_choice auto / any / none /
///   tool → "auto" / "required" / "none" / {"type":"function",…}; disable_parallel_tool_use →
///   parallel_tool_calls:false.
/// - stop_sequences → stop; max_tokens, temperature, top_p, top_k kept; metadata.user_id → user;
///   thinking passed through; output_config.format / output_format json_schema →
///   response_format json_schema; stream → stream + stream_options.include_usage.
/// - Other fields are dropped.
///
/// What has no canonical form is refused, never dropped silently: a 400 invalid_request_error
/// naming the field and the block or tool type (server tools; images or documents given by
/// file id; URL or content documents; search_result and server tool result blocks; …). `out`
/// is then empty. So is a body nested deeper than `max_depth` (400, code "json_too_deep"):
/// the parse is iterative and bounded, and so is every Accept() walk that copies a part of it.
std::optional<canonical::ApiError> to_canonical_request(std::string_view anthropic_body, std::string_view upstream_model,
                                             std::string& out, unsigned max_depth = llmgw::kJsonMaxDepth);

}  // namespace llmgw::frontends::anthropic

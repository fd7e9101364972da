// Canonical chat.completion → Anthropic Messages `message` response.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <llmgw/json_depth.hpp>

#include "canonical/api_error.hpp"

namespace llmgw::frontends::anthropic {

/// Writes to `out` (replaced) the Anthropic message for a canonical `chat.completion`:
/// id (kept when it starts with "msg_", else "msg_" + id), type "message", role "assistant",
/// model = `client_model` (the name the client asked for), content blocks in this order:
/// thinking (from thinking_blocks, with signature; or from reasoning_content when there are no
/// thinking_blocks) / redacted_thinking, text (content, then refusal), tool_use (one per
/// tool call, id kept, input = the parsed arguments; `{}` when empty; `{"_raw": "…"}` when they
/// are not a JSON object), stop_reason (stop → end_turn, or stop_sequence when the choice
/// carries `stop_sequence`; length → max_tokens; tool_calls → tool_use; content_filter →
/// refusal), stop_sequence and usage (input_tokens = prompt − cached − cache creation, ≥ 0;
/// output_tokens; cache_read_input_tokens; cache_creation_input_tokens). Only the first
/// choice is used. Missing fields are tolerated; a body that is not a JSON object, or that
/// nests deeper than `max_depth`, yields a 502 api_error (BAD_RESPONSE; code
/// "upstream_json_too_deep" for the latter) and `out` is empty. Tool arguments nested deeper
/// than `max_depth` are kept as text (`_raw`).
std::optional<canonical::ApiError> from_canonical_response(std::string_view canonical_json, std::string_view client_model,
                                                std::string& out, unsigned max_depth = llmgw::kJsonMaxDepth);

}  // namespace llmgw::frontends::anthropic

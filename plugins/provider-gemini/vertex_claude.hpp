// provider-gemini's Anthropic partner models on Vertex AI (vertex_ai/claude-…): the canonical chat
// body translated by provider-anthropic's Messages codec in Vertex's form (no "model", the URL
// names it; "anthropic_version": "vertex-2023-10-16" in the body), POSTed to
//   {claude_url}{model}:rawPredict          (stream: false)
//   {claude_url}{model}:streamRawPredict    (stream: true, "stream": true in the body)
// with the same OAuth Bearer token as the Gemini models on Vertex. Answers, stream events and
// errors are the Messages API's, decoded by the same codec (VertexStream picks the decoder).
// count_tokens (LLMGW_CAP_COUNT_TOKENS, ABI 1.2): the count_tokens body with "model" in it,
// POSTed to {claude_url}count-tokens:rawPredict; the answer {"input_tokens": N} is relayed.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <string>
#include <string_view>

namespace llmgw::provider_gemini {

/// encode_request of a vertex_ai/claude-… call (is_vertex_claude): chat and count_tokens.
llmgw_status encode_vertex_claude(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                  const llmgw_writer* error);

/// decode_response of a vertex_ai/claude-… call: provider-anthropic's decode.
llmgw_status decode_vertex_claude(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                                  const llmgw_result_out& out, int64_t now_unix_s);

/// A Vertex partner model id as its path segment: letters, digits and "._-@" kept
/// (claude-sonnet-4-5@20250929), anything else percent-encoded. Empty when `model` is.
std::string partner_model_segment(std::string_view model);

}  // namespace llmgw::provider_gemini

// provider-gemini's token counting for the Gemini models (LLMGW_CAP_COUNT_TOKENS, ABI 1.2): the
// canonical chat body of an Anthropic count_tokens request, translated as generateContent's is
// (encode.hpp), POSTed to the model's own counter:
//   gemini/     {models_url}{model}:countTokens   {"generateContentRequest": {"model":
//               "models/{model}", "contents", "systemInstruction", "tools", "toolConfig",
//               "generationConfig"}}   (the whole request: the system prompt and the tools count)
//   vertex_ai/  {models_url}{model}:countTokens   {"contents", "systemInstruction", "tools"}
//               (Vertex's CountTokensRequest takes those members at its top level)
// The answer {"totalTokens": N, …} becomes Anthropic's {"input_tokens": N}; errors are Google's.
// (The Anthropic and Mistral partner models on Vertex have their own routes: vertex_claude.hpp
// counts with Anthropic's counter, vertex_mistral.hpp refuses and the gateway estimates.)
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_gemini {

/// encode_request of an LLMGW_OP_COUNT_TOKENS call to a Gemini model.
llmgw_status encode_count_tokens(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                 const llmgw_writer* error);

/// decode_response of such a call: {"input_tokens": totalTokens}, or the error.
llmgw_status decode_count_tokens(const Config& cfg, const llmgw_upstream_response& response, const llmgw_result_out& out);

}  // namespace llmgw::provider_gemini

// provider-gemini's Mistral partner models on Vertex AI (vertex_ai/mistral-large-2411,
// vertex_ai/mistral-small-2503@001, vertex_ai/codestral-2501, …): Mistral's own chat body, built
// by provider-mistral's codec (linked as the static library provider_mistral_codec), POSTed to
//   {mistral_url}{model}:rawPredict          (a whole answer)
//   {mistral_url}{model}:streamRawPredict    (a stream; "stream": true in the body)
// with the same OAuth Bearer token as the Gemini models on Vertex. The URL names the model with
// its version ("mistral-small-2503@001"); the body's "model" is the name without it
// ("mistral-small-2503"), as Mistral's and Google's Vertex examples write it. Answers, SSE chunks
// and the model's errors are Mistral's (OpenAI-shaped), decoded by the same codec; an error in
// Google's shape (Vertex's front end: 401, 403, 404, 429 quota) is read as Gemini's are.
// Chat only: embeddings and count_tokens are refused (LLMGW_UNSUPPORTED; the gateway answers its
// own token estimate for count_tokens).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <string_view>

namespace llmgw::provider_gemini {

/// encode_request of a vertex_ai/mistral-… call (is_vertex_mistral).
llmgw_status encode_vertex_mistral(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                   const llmgw_writer* error);

/// decode_response of such a call: provider-mistral's decode, or Vertex's own error.
llmgw_status decode_vertex_mistral(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                                   const llmgw_result_out& out);

/// The body's "model" for a Vertex model id: the name before its "@version".
std::string_view vertex_mistral_body_model(std::string_view model);

}  // namespace llmgw::provider_gemini

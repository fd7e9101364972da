// provider-gemini embeddings on Vertex AI (vertex_ai/text-embedding-005, gemini-embedding-001, …):
// the canonical OpenAI embeddings request (sdk/CANONICAL.md "Embeddings") → one PredictRequest
// POSTed to {models_url}{model}:predict:
//   {"instances": [{"content": text}, …], "parameters": {"outputDimensionality": dimensions}}
// (one instance per input, in input order; parameters only when dimensions is given), and its
// PredictResponse
//   {"predictions": [{"embeddings": {"values": [...], "statistics": {"token_count": N,
//    "truncated": false}}}, …], "metadata": {"billableCharacterCount": …}}
// → the canonical embedding list, prompt_tokens the sum of the token_counts (unknown when any
// prediction lacks one). Token ids as input are refused (LLMGW_UNSUPPORTED): Vertex embeds text.
// So is a list longer than the model takes (vertex_embed_limit: gemini-embedding-* one input per
// request, the others 250): 400 unsupported_feature naming the limit and the model, never a
// silent cut; the core owns the I/O, so the codec cannot split the list into several requests.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <cstddef>
#include <string_view>

namespace llmgw::provider_gemini {

/// How many inputs (instances) one :predict request to `model` may hold.
std::size_t vertex_embed_limit(std::string_view model) noexcept;

/// encode_request for LLMGW_OP_EMBEDDINGS on a vertex_ai/ deployment.
llmgw_status encode_vertex_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                      const llmgw_writer* error);

/// decode_response of a 2xx answer to a Vertex embeddings call.
llmgw_status decode_vertex_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                                      const llmgw_result_out& out);

}  // namespace llmgw::provider_gemini

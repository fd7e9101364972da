// provider-gemini embeddings: the canonical OpenAI embeddings request (sdk/CANONICAL.md
// "Embeddings") → one BatchEmbedContentsRequest POSTed to {models_url}{model}:batchEmbedContents
// (one EmbedContentRequest per input, in input order: {"model": "models/{model}", "content":
// {"parts": [{"text"}]}, "outputDimensionality": dimensions}), and its
// BatchEmbedContentsResponse ({"embeddings": [{"values": [...]}]}) → the canonical embedding list.
// Token ids as input are refused (LLMGW_UNSUPPORTED): Gemini embeds text only. AI Studio reports
// no token count for embeddings: usage is unknown unless the answer carries usageMetadata.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_gemini {

/// encode_request for LLMGW_OP_EMBEDDINGS.
llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error);

/// decode_response of a 2xx answer to an embeddings call.
llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                               const llmgw_result_out& out);

}  // namespace llmgw::provider_gemini

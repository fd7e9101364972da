// provider-cohere embeddings: the canonical OpenAI embeddings request (sdk/CANONICAL.md
// "Embeddings") → Cohere's POST /v2/embed ({"model", "texts", "input_type" (the deployment's
// extra.input_type, search_document unless set), "embedding_types": ["float"],
// "output_dimension" (embed-v4 models only)}), and its answer ({"embeddings": {"float":
// [[...]]}, "meta": {"billed_units": {"input_tokens"}}}) → the canonical embedding list.
// Refused with LLMGW_UNSUPPORTED: token ids as input, dimensions for a model that has a fixed
// size, more than 96 inputs (Cohere's limit per call).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_cohere {

/// encode_request for LLMGW_OP_EMBEDDINGS.
llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error);

/// decode_response of a 2xx answer to an embeddings call.
llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                               const llmgw_result_out& out);

}  // namespace llmgw::provider_cohere

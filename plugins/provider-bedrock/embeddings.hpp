// provider-bedrock embeddings through InvokeModel (POST /model/{id}/invoke, signed like every
// Bedrock call), for the two embedding families Bedrock serves as text:
//   Amazon Titan (amazon.titan-embed-*): {"inputText", "dimensions" (text-v2: 256, 512 or 1024),
//     "normalize": true} → {"embedding": [...], "inputTextTokenCount"}. Titan embeds one text
//     per call and llmgw makes one upstream call per request: an input of more than one text
//     is refused (LLMGW_UNSUPPORTED, 400).
//   Cohere embed (cohere.embed-*): {"texts", "input_type" (extra.input_type, search_document
//     unless set), "embedding_types": ["float"], "output_dimension" (embed-v4 only)} →
//     {"embeddings": {"float": [[...]]}} (or [[...]] from models answering without types);
//     the input token count is InvokeModel's x-amzn-bedrock-input-token-count header.
// Token ids as input are refused (LLMGW_UNSUPPORTED): both families embed text.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

namespace llmgw::provider_bedrock {

/// encode_request for LLMGW_OP_EMBEDDINGS.
llmgw_status encode_embeddings(const Config& cfg, const Host& host, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error);

/// decode_response of a 2xx answer to an embeddings call.
llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                               const llmgw_result_out& out);

}  // namespace llmgw::provider_bedrock

// provider-ollama embeddings: the canonical OpenAI embeddings request (sdk/CANONICAL.md
// "Embeddings") → Ollama's POST /api/embed ({"model", "input": string or [strings],
// "dimensions", "keep_alive"}), and its answer ({"model", "embeddings": [[...]],
// "prompt_eval_count"}) → the canonical embedding list, prompt_eval_count as the usage.
// Token ids as input are refused (LLMGW_UNSUPPORTED): /api/embed takes text only.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_ollama {

/// encode_request for LLMGW_OP_EMBEDDINGS.
llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error);

/// decode_response of a 2xx answer to an embeddings call.
llmgw_status decode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                               const llmgw_result_out& out);

}  // namespace llmgw::provider_ollama

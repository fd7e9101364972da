// provider-mistral embeddings: the canonical OpenAI embeddings request (sdk/CANONICAL.md
// "Embeddings") → Mistral's POST /v1/embeddings ({"model", "input": [strings],
// "output_dimension"}; `user` and encoding_format are not sent: Mistral answers floats and the
// plugin writes base64 itself), and its OpenAI-shaped list ({"data": [{"embedding", "index"}],
// "usage"}) → the canonical embedding list, in index order. Refused with LLMGW_UNSUPPORTED:
// token ids as input (Mistral embeds text only) and dimensions for mistral-embed (fixed 1024).
#pragma once

#include "config.hpp"

#include <plugin_util/json_helpers.hpp>

#include <llmgw/plugin.h>

namespace llmgw::provider_mistral {

/// encode_request for LLMGW_OP_EMBEDDINGS.
llmgw_status encode_embeddings(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                               const llmgw_writer* error);

/// A parsed 2xx answer to an embeddings call (not an error object) → the canonical list.
llmgw_status decode_embeddings(const llmgw_call& call, const plugin_util::Value& doc, const llmgw_result_out& out);

}  // namespace llmgw::provider_mistral

// provider-openai request encoding. The call body is already the OpenAI shape with the model
// rewritten by the core (passthrough and canonical are the same dialect here), so encoding is
// the precomputed URL and headers plus the call body as is (zero copy).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_openai {

/// encode_request: chat → chat_url, embeddings → embeddings_url, count_tokens → UNSUPPORTED.
llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error);

}  // namespace llmgw::provider_openai

// provider-cohere request encoding: canonical chat → POST {api_base}/v2/chat (README.md table).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_cohere {

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error);

}  // namespace llmgw::provider_cohere

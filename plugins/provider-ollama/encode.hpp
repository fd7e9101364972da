// provider-ollama request encoding: canonical chat → POST {api_base}/api/chat (README.md has the
// table). One bounded parse, one write. `stream` is always written (Ollama streams by default).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

namespace llmgw::provider_ollama {

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error);

}  // namespace llmgw::provider_ollama

// provider-ollama whole responses: {"model", "created_at", "message": {role, content, thinking,
// tool_calls}, "done", "done_reason", "prompt_eval_count", "eval_count", …} → a canonical
// chat.completion (thinking → reasoning_content, tool_calls with synthesised ids and arguments
// as JSON text, done_reason → finish_reason, counts → usage). Errors: errors.hpp.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <cstdint>

namespace llmgw::provider_ollama {

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                    const llmgw_result_out& out, int64_t now_unix_s);

}  // namespace llmgw::provider_ollama

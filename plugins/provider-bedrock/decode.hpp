// provider-bedrock answers: a Converse response
//   {"output": {"message": {"role", "content": [{"text"} | {"toolUse": {"toolUseId", "name", "input"}}
//    | {"reasoningContent": {"reasoningText": {"text", "signature"}} | {"redactedContent"}}]}},
//    "stopReason", "usage": {...}, "metrics"}
// → a canonical chat.completion (id "chatcmpl-<x-amzn-RequestId>"); a non-2xx answer → a
// classified error (errors.hpp).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <cstdint>

namespace llmgw::provider_bedrock {

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_s);

}  // namespace llmgw::provider_bedrock

// provider-anthropic response decoding.
//   PASSTHROUGH 2xx: one SAX pass checks the body and reads its usage; the body is relayed
//     unchanged (use_upstream_body).
//   TRANSLATE 2xx: the Messages response → a canonical chat.completion (text blocks joined into
//     content, tool_use → tool_calls, thinking → reasoning_content + thinking_blocks,
//     stop_reason → finish_reason + stop_sequence, usage per sdk/CANONICAL.md). The tool_use of
//     a json_schema response_format becomes the message content, with finish_reason "stop".
//   count_tokens 2xx ({"input_tokens": N}): relayed unchanged, no usage (nothing is generated).
//   Anything else: a classified error (errors.hpp).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <cstdint>

namespace llmgw::provider_anthropic {

/// decode_response. `now_unix_s` is the canonical response's `created`.
llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                    const llmgw_result_out& out, int64_t now_unix_s);

}  // namespace llmgw::provider_anthropic

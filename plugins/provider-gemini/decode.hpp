// provider-gemini response decoding.
//   2xx GenerateContentResponse → a canonical chat.completion: each candidate a choice (text
//     parts joined into content, thought parts into reasoning_content, functionCall parts into
//     tool_calls with synthesised ids, finishReason mapped by wire.hpp, tool_calls when the
//     candidate called functions), usageMetadata → usage (usage.hpp). A prompt blocked by
//     promptFeedback.blockReason (no candidates) → one empty choice finishing content_filter.
//   A 2xx body with Google's error shape, or a non-2xx: a classified error (errors.hpp).
//   A body that is not JSON, nests deeper than 128 levels or has no candidates: BAD_RESPONSE 502.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <cstdint>

namespace llmgw::provider_gemini {

/// decode_response. `now_unix_s` is the canonical response's `created`.
llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                    const llmgw_result_out& out, int64_t now_unix_s);

}  // namespace llmgw::provider_gemini

// provider-openai response decoding. A 2xx body is relayed unchanged (use_upstream_body) after
// one SAX pass that checks it is JSON and reads its usage; anything else becomes a classified
// error.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <cstdint>

namespace llmgw::provider_openai {

/// decode_response. `now_unix_ms` is for HTTP-date Retry-After values.
///   2xx JSON object → use_upstream_body, set_usage when it has a usage object, LLMGW_OK;
///   2xx JSON with a top-level "error" → set_error classified by that error, LLMGW_ERROR;
///   2xx not a JSON object → set_error BAD_RESPONSE 502, LLMGW_ERROR;
///   other statuses → set_error (error_from_response), LLMGW_ERROR.
llmgw_status decode(const Config& cfg, const llmgw_upstream_response& response, const llmgw_result_out& out,
                    int64_t now_unix_ms);

}  // namespace llmgw::provider_openai

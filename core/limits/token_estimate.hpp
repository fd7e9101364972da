// The token estimate a TPM limit reserves at admission, before the call: the prompt from the
// body's size (4 bytes a token, the usual rule of thumb for English text and JSON), plus the
// output the body allows (max_tokens, max_completion_tokens or max_output_tokens, whichever is
// largest; none: nothing). It is corrected after the call with the usage the upstream reports.
// The body comes from a client: the number after a field name is read with bounds (at most 10
// digits), and a field name inside a string only makes the estimate larger, never a crash.
#pragma once

#include <cstdint>
#include <string_view>

namespace llmgw::limits {

/// The largest max_tokens-like value in `body` (0: none), at most 9,999,999,999.
std::int64_t requested_output_tokens(std::string_view body);

/// ceil(body bytes / 4) + requested_output_tokens(body).
std::int64_t estimate_tokens(std::string_view body);

}  // namespace llmgw::limits

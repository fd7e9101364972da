// provider-openai errors: a failed upstream answer → a classified llmgw error with the retry
// hint from its headers, and the config's secrets scrubbed from every text field.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_openai {

/// A non-2xx upstream answer (status, headers, body) → classified error (see
/// openai_compat::classify_error). `now_unix_ms` is for HTTP-date Retry-After values.
Error error_from_response(const Config& cfg, const llmgw_upstream_response& response, int64_t now_unix_ms);

/// A 2xx whose body reports an error ({"error": …}, as OpenRouter does), classified by the
/// error's own code and type.
Error error_from_embedded(const Config& cfg, std::string_view body);

/// The upstream answered something undecodable: BAD_RESPONSE, 502.
Error bad_response(std::string message);

/// Removes the config's secrets (and OpenAI-style key fragments) from every text field.
void scrub(const Config& cfg, Error& error);

}  // namespace llmgw::provider_openai

// provider-anthropic errors: an Anthropic error ({"type":"error","error":{"type","message"}},
// as a non-2xx body, a 2xx body or a stream event) → a classified llmgw error with the retry
// hint from the headers, and the config's secrets scrubbed from every text field.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_anthropic {

/// The fields of an Anthropic error body as the upstream wrote them.
struct ErrorFields {
  std::string type;     // error.type, e.g. "overloaded_error"; empty when absent
  std::string message;  // error.message; for a body that is not an Anthropic error, its text
};

/// How much of a body that is not an Anthropic error (an HTML page from a proxy) becomes the
/// message.
inline constexpr std::size_t kMaxTextMessageBytes = 500;

/// Reads an error body. Never fails: an unrecognised body (or one nested deeper than
/// llmgw::kJsonMaxDepth) gives its text (cut on a UTF-8 boundary) as the message and an empty type.
ErrorFields parse_error_body(std::string_view body);

/// Milliseconds of the response's retry-after (delta-seconds, fractions allowed); -1 when it is
/// absent or malformed.
int64_t retry_after_ms(const llmgw_header* headers, std::size_t count) noexcept;

/// A non-2xx upstream answer → classified error. The status is the upstream's (529 stays 529):
///   400 → INVALID_REQUEST, or CONTEXT_WINDOW when the message says the prompt is too long /
///     exceeds the context (code "context_length_exceeded"); other 4xx likewise;
///   401, 403 → AUTH;  404 → NOT_FOUND;  413 → INVALID_REQUEST;
///   429 → RATE_LIMITED (+ retry-after);  402 → RATE_LIMITED without a retry hint;
///   408, 409, 5xx, 529 → TRANSIENT (+ retry-after);  1xx/3xx → BAD_RESPONSE, 502.
/// `type` is the Anthropic error type (the status's default type when the body has none).
Error error_from_response(const Config& cfg, const llmgw_upstream_response& response);

/// An error carried inside a 2xx body or a stream event: classified by its type alone
/// (kErrorTypes; an unknown type is TRANSIENT 500).
Error error_from_type(const Config& cfg, ErrorFields fields);

/// The upstream answered something undecodable: BAD_RESPONSE, 502.
Error bad_response(std::string message);

/// The upstream's `what` ("upstream response", "upstream stream event") nests deeper than
/// llmgw::kJsonMaxDepth: BAD_RESPONSE, 502, code "upstream_json_too_deep".
Error too_deep_response(std::string_view what);

/// Removes the config's secrets, and Anthropic key fragments ("sk-ant-…" → "sk-ant-***"),
/// from every text field.
void scrub(const Config& cfg, Error& error);

}  // namespace llmgw::provider_anthropic

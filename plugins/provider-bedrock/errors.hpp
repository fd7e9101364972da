// provider-bedrock errors: an AWS error (the x-amzn-ErrorType header, else the body's "__type"
// or "code"; the body's "message" / "Message") or an event-stream exception (:exception-type and
// its {"message"} payload) → a classified llmgw error by the wire.hpp kErrorKinds table; an
// unknown type by its HTTP status. A ValidationException about the input's length becomes
// CONTEXT_WINDOW. Secrets are scrubbed and AWS access key ids masked (AKIA…/ASIA… → AKIA***).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <string_view>

namespace llmgw::provider_bedrock {

/// "ValidationException:http://internal.amazon.com/coral/…", "com.amazon.coral.service#Unrecognized…"
/// → "ValidationException", "UnrecognizedClientException".
std::string_view error_type_name(std::string_view raw) noexcept;

/// A non-2xx upstream answer → classified error.
Error error_from_response(const Config& cfg, const llmgw_upstream_response& response);

/// An error of type `type` (any case; may be empty) with `message`; `http_status` when the
/// answer had one (0 inside a stream).
Error classify(const Config& cfg, std::string_view type, std::string_view message, int http_status, int64_t retry_after_ms);

/// An event-stream exception message: its :exception-type and JSON payload ({"message"}).
Error error_from_exception(const Config& cfg, std::string_view exception_type, std::string_view payload);

/// The upstream answered something undecodable: BAD_RESPONSE, 502.
Error bad_response(std::string message);

}  // namespace llmgw::provider_bedrock

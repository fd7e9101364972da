// provider-gemini errors: Google's error shape ({"error": {"code", "message", "status",
// "details": [...]}}, as a non-2xx body, a 2xx body or a stream event) → a classified llmgw
// error: the class from error.status (wire.hpp kErrorStatuses; else from the HTTP status), 400
// INVALID_ARGUMENT naming a context-window overflow → CONTEXT_WINDOW, ErrorInfo reason
// API_KEY_INVALID → AUTH 401, the retry hint from Retry-After or else google.rpc.RetryInfo's
// retryDelay, and the config's secrets scrubbed from every text field.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_gemini {

/// The fields of a Google error body as the upstream wrote them.
struct ErrorFields {
  int code = 0;             // error.code (the HTTP status Google meant); 0 when absent
  std::string status;       // error.status, e.g. "RESOURCE_EXHAUSTED"
  std::string message;      // error.message; for a body that is not a Google error, its text
  std::string reason;       // details[] ErrorInfo.reason, e.g. "API_KEY_INVALID"
  int64_t retry_delay_ms = -1;  // details[] RetryInfo.retryDelay ("22s", "1.5s")
  bool recognised = false;  // the body had Google's error shape
};

/// Reads an error body (bounded parse). Never fails: an unrecognised body gives its text (cut
/// on a UTF-8 boundary) as the message.
ErrorFields parse_error_body(std::string_view body);

/// Reads a parsed error object (the value of "error").
ErrorFields error_fields(const rapidjson::Value& error);

/// "22s", "1.5s", "0.250s" (google.protobuf.Duration JSON) → ms; -1 when malformed.
int64_t duration_ms(std::string_view text) noexcept;

/// Milliseconds of the response's Retry-After (delta-seconds); -1 when absent or malformed.
int64_t retry_after_ms(const llmgw_header* headers, std::size_t count) noexcept;

/// A non-2xx upstream answer → classified error. The status is the upstream's, except that a
/// rejected API key becomes 401.
Error error_from_response(const Config& cfg, const llmgw_upstream_response& response);

/// An error carried inside a 2xx body or a stream event.
Error error_from_fields(const Config& cfg, ErrorFields fields, int http_status, int64_t retry_after);

/// A non-2xx answer in Google's error shape {"error": {"code", "message", "status"}} rather than a
/// partner model's own (Anthropic's has a top-level "type"): what Vertex's front end answers for a
/// partner model (401 token, 403, 404 project or model, 429 quota).
bool is_google_error(const llmgw_upstream_response& response);

/// The upstream answered something undecodable: BAD_RESPONSE, 502.
Error bad_response(std::string message);

/// Removes the config's secrets, and Google API key fragments ("AIza…" → "AIza***").
void scrub(const Config& cfg, Error& error);

}  // namespace llmgw::provider_gemini

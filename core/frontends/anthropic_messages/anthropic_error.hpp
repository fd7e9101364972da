// Errors in the Anthropic dialect: {"type":"error","error":{"type":T,"message":M}}.
#pragma once

#include <string>
#include <string_view>

#include "canonical/api_error.hpp"
#include "server/error_format.hpp"

namespace llmgw::frontends::anthropic {

/// The Anthropic error type for `error`. Derived from the status: 400 invalid_request_error,
/// 401 authentication_error, 402 billing_error, 403 permission_error, 404 not_found_error,
/// 409 conflict_error, 413 request_too_large, 429 rate_limit_error, 503 / 529
/// overloaded_error, 504 timeout_error, other 4xx invalid_request_error, other 5xx api_error.
/// The error's own `type` is kept when it is already a specific Anthropic type
/// (authentication_error, billing_error, permission_error, not_found_error, conflict_error,
/// request_too_large, rate_limit_error, timeout_error, overloaded_error); the generic
/// invalid_request_error / api_error (OpenAI types too: the core defaults a 404 to
/// invalid_request_error and a 529 to api_error) are kept only when the status names nothing
/// more specific.
std::string_view anthropic_error_type(const canonical::ApiError& error);

/// {"type":"error","error":{"type":…,"message":…}} — the Anthropic error body (also the data
/// of a stream's `event: error`).
std::string anthropic_error_body(const canonical::ApiError& error);

/// The HTTP status to answer with: the error's own status (an OpenAI `insufficient_quota` 429
/// stays 429, an upstream 529 stays 529); anything outside 400–599 becomes 500.
int anthropic_status(const canonical::ApiError& error);

/// The Anthropic error format: anthropic_status, anthropic_error_body.
extern const server::ErrorFormat kErrors;

}  // namespace llmgw::frontends::anthropic

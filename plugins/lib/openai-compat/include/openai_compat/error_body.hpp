// OpenAI-shaped error bodies and their classification for the router.
//
// Shapes understood:  {"error": {"message", "type", "param", "code", "innererror"?}} (OpenAI,
// Azure, Groq, OpenRouter with a numeric code),  {"error": "text"},  {"message", "type",
// "code", "object": "error"} (vLLM),  {"detail": "text" | [...]} (FastAPI servers), and
// anything else, taken as text (its first 500 bytes).
#pragma once

#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::openai_compat {

/// The fields of an error body, as the upstream wrote them (null → empty).
struct ErrorFields {
  std::string type;
  std::string code;        // a numeric code is written in decimal
  std::string param;
  std::string message;
  std::string inner_code;  // Azure's error.innererror.code (e.g. ResponsibleAIPolicyViolation)
  int numeric_code = 0;    // error.code when the upstream sent a number (OpenRouter, vLLM)
};

/// How much of a non-JSON body becomes the message.
inline constexpr std::size_t kMaxTextMessageBytes = 500;

/// Reads an error body. Never fails: an unrecognised or empty body, or one nested deeper than
/// llmgw::kJsonMaxDepth, gives a message made of its text (cut at kMaxTextMessageBytes on a
/// UTF-8 boundary), or an empty message.
ErrorFields parse_error_body(std::string_view body);

/// The HTTP status that an error reported inside a 200 (a stream event, or a 2xx body with an
/// "error") stands for: its numeric code when that is 4xx/5xx, else one derived from its
/// type and code; 500 when nothing says otherwise.
int status_for_embedded_error(const ErrorFields& fields);

/// OpenAI's error type for a status, used when the upstream sent none
/// (400 invalid_request_error, 401 authentication_error, 429 rate_limit_error, 5xx server_error…).
std::string_view default_error_type(int status) noexcept;

/// Classifies a failed upstream answer:
///   400/413/422 → INVALID_REQUEST, except context-window (code context_length_exceeded, or a
///     message about the "maximum context length" / "context window" / "context length") →
///     CONTEXT_WINDOW, and content filtering (code content_filter / content_policy_violation,
///     Azure innererror ResponsibleAIPolicyViolation) → CONTENT_POLICY, on any 4xx;
///   404 → INVALID_REQUEST, but a missing model or deployment (model_not_found,
///     DeploymentNotFound, NotFoundError) → NOT_FOUND;
///   401/403 → AUTH;  402 and 429 insufficient_quota → RATE_LIMITED without a retry hint;
///   429 → RATE_LIMITED;  408/409/5xx → TRANSIENT;  other 4xx → INVALID_REQUEST;
///   anything else (1xx, 3xx) → BAD_RESPONSE with status 502.
/// `retry_after_ms` is kept for RATE_LIMITED and TRANSIENT only. The status is the upstream's.
/// An empty message becomes "upstream returned HTTP <status>"; an empty type the default.
Error classify_error(int status, ErrorFields fields, int64_t retry_after_ms);

/// Replaces each occurrence of every non-empty secret in `text` with "[REDACTED]", and masks
/// OpenAI-style key fragments ("sk-…", as OpenAI's "Incorrect API key provided: sk-…" quotes
/// them) to "sk-***".
void redact(std::string& text, const std::string_view* secrets, std::size_t count);

}  // namespace llmgw::openai_compat

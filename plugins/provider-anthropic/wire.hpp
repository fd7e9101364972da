// provider-anthropic wire facts: URLs and headers of the Anthropic Messages API, the defaults a
// translated request needs, and the two mapping tables (stop reasons → canonical finish
// reasons; error types ↔ HTTP statuses and llmgw error classes).
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <string_view>

namespace llmgw::provider_anthropic {

/// llmgw_provider_vtable.provider_names.
inline constexpr const char* kProviderNames = "anthropic";

// -- URLs and headers ---------------------------------------------------------------------------

inline constexpr std::string_view kDefaultApiBase = "https://api.anthropic.com";
inline constexpr std::string_view kVersionPrefix = "/v1";  // not doubled when api_base ends with it
inline constexpr std::string_view kMessagesPath = "/messages";
inline constexpr std::string_view kCountTokensPath = "/messages/count_tokens";

inline constexpr std::string_view kContentType = "content-type";
inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kApiKeyHeader = "x-api-key";
inline constexpr std::string_view kVersionHeader = "anthropic-version";
inline constexpr std::string_view kBetaHeader = "anthropic-beta";
inline constexpr std::string_view kDefaultVersion = "2023-06-01";
inline constexpr std::string_view kRetryAfter = "retry-after";

// -- Translated requests ------------------------------------------------------------------------

/// max_tokens of a translated request that sets neither max_tokens nor max_completion_tokens
/// (Anthropic requires it); extra.max_tokens overrides.
inline constexpr int64_t kDefaultMaxTokens = 4096;

/// reasoning_effort → thinking.budget_tokens. "none" asks for no thinking.
struct EffortBudget {
  std::string_view effort;
  int64_t budget_tokens;
};
inline constexpr EffortBudget kEffortBudgets[] = {
    {"minimal", 1024}, {"low", 1024}, {"medium", 4096}, {"high", 16384}};

/// The tool a json_schema response_format becomes when its schema has no name.
inline constexpr std::string_view kDefaultJsonToolName = "json_tool_call";

/// The system instruction a json_object response_format adds.
inline constexpr std::string_view kJsonObjectInstruction =
    "Respond only with a single valid JSON object, without any text before or after it.";

// -- Stop reasons -------------------------------------------------------------------------------

struct StopReason {
  std::string_view anthropic;
  std::string_view finish_reason;  // canonical (OpenAI) finish_reason
};

/// Anthropic stop_reason → canonical finish_reason (sdk/CANONICAL.md). An unknown stop reason
/// becomes "stop". tool_use of the json_schema tool becomes "stop" (see decode.hpp).
inline constexpr StopReason kStopReasons[] = {
    {"end_turn", "stop"},
    {"stop_sequence", "stop"},
    {"pause_turn", "stop"},
    {"max_tokens", "length"},
    {"model_context_window_exceeded", "length"},
    {"tool_use", "tool_calls"},
    {"refusal", "content_filter"},
};

inline std::string_view finish_reason_for(std::string_view stop_reason) noexcept {
  for (const StopReason& s : kStopReasons)
    if (s.anthropic == stop_reason) return s.finish_reason;
  return "stop";
}

// -- Error types --------------------------------------------------------------------------------

struct ErrorType {
  std::string_view type;  // Anthropic error.type
  int status;             // the HTTP status Anthropic answers it with
  llmgw_error_class error_class;
};

/// Anthropic error.type ↔ status ↔ class. Used for errors inside a stream or a 2xx body (where
/// the type is all there is) and to name the type of a bare non-2xx status.
inline constexpr ErrorType kErrorTypes[] = {
    {"invalid_request_error", 400, LLMGW_ERR_INVALID_REQUEST},
    {"authentication_error", 401, LLMGW_ERR_AUTH},
    {"billing_error", 402, LLMGW_ERR_RATE_LIMITED},
    {"permission_error", 403, LLMGW_ERR_AUTH},
    {"not_found_error", 404, LLMGW_ERR_NOT_FOUND},
    {"conflict_error", 409, LLMGW_ERR_TRANSIENT},
    {"request_too_large", 413, LLMGW_ERR_INVALID_REQUEST},
    {"rate_limit_error", 429, LLMGW_ERR_RATE_LIMITED},
    {"api_error", 500, LLMGW_ERR_TRANSIENT},
    {"timeout_error", 504, LLMGW_ERR_TRANSIENT},
    {"overloaded_error", 529, LLMGW_ERR_TRANSIENT},
};

inline const ErrorType* error_type_named(std::string_view type) noexcept {
  for (const ErrorType& e : kErrorTypes)
    if (e.type == type) return &e;
  return nullptr;
}

inline const ErrorType* error_type_for_status(int status) noexcept {
  for (const ErrorType& e : kErrorTypes)
    if (e.status == status) return &e;
  return nullptr;
}

/// Substrings (lower case) of an invalid_request_error message that mean the input does not fit
/// the model's context window ("prompt is too long: 215000 tokens > 200000 maximum",
/// "input length and `max_tokens` exceed context limit: …").
inline constexpr std::string_view kContextWindowHints[] = {
    "prompt is too long", "exceed context limit", "exceeds the context", "context window",
    "context length"};

/// llmgw_error.code given to context-window errors (what OpenAI clients look for).
inline constexpr std::string_view kContextLengthCode = "context_length_exceeded";

}  // namespace llmgw::provider_anthropic

// provider-gemini wire facts: URLs and headers of the Gemini Generative Language API, the
// mapping tables (finish reasons → canonical finish reasons; Google error statuses ↔ HTTP
// statuses and llmgw error classes; reasoning_effort → thinking budgets) and the limits the
// translation keeps.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <string_view>

namespace llmgw::provider_gemini {

/// llmgw_provider_vtable.provider_names (LiteLLM's prefix).
inline constexpr const char* kProviderNames = "gemini vertex_ai";
inline constexpr std::string_view kGeminiName = "gemini";
inline constexpr std::string_view kVertexName = "vertex_ai";
inline constexpr std::string_view kVertexVersion = "v1";
inline constexpr std::string_view kVertexDefaultLocation = "us-central1";

// -- URLs and headers ---------------------------------------------------------------------------

inline constexpr std::string_view kDefaultApiBase = "https://generativelanguage.googleapis.com";
inline constexpr std::string_view kVersionPrefix = "/v1beta";  // not doubled when api_base ends with it
inline constexpr std::string_view kModelsPath = "/models/";
inline constexpr std::string_view kGenerateSuffix = ":generateContent";
inline constexpr std::string_view kStreamSuffix = ":streamGenerateContent?alt=sse";
inline constexpr std::string_view kCountTokensSuffix = ":countTokens";
inline constexpr std::string_view kBatchEmbedSuffix = ":batchEmbedContents";
/// Vertex AI: embeddings (PredictionService.Predict) and the Anthropic partner models (the
/// Messages API body POSTed as is to the publisher "anthropic").
inline constexpr std::string_view kPredictSuffix = ":predict";
inline constexpr std::string_view kRawPredictSuffix = ":rawPredict";
inline constexpr std::string_view kStreamRawPredictSuffix = ":streamRawPredict";
inline constexpr std::string_view kVertexAnthropicVersion = "vertex-2023-10-16";
/// Vertex AI's token counter for the Anthropic models: POST {claude_url}count-tokens:rawPredict
/// with Anthropic's count_tokens body (the model named in it).
inline constexpr std::string_view kCountTokensModel = "count-tokens";
/// Vertex AI's OpenAI-compatible Chat Completions endpoint (after .../locations/{l}) for the open
/// models served as APIs ("Call MaaS APIs for open models"); the body names the model with its
/// publisher ("meta/llama-3.3-70b-instruct-maas").
inline constexpr std::string_view kOpenModelsPath = "/endpoints/openapi/chat/completions";
/// Vertex AI's Mistral publisher (Mistral's own chat body POSTed to
/// …/publishers/mistralai/models/{model}:rawPredict / :streamRawPredict): the model names served
/// there (Mistral Large, Mistral Small, Mistral Medium, Codestral, Ministral, …).
inline constexpr std::string_view kVertexMistralPrefixes[] = {"mistral", "codestral", "ministral"};

/// Vertex AI "Get text embeddings": a :predict request holds at most 250 instances (input
/// texts), and the Gemini embedding models (gemini-embedding-001) take one instance per request.
/// Vertex answers a longer list with 400 INVALID_ARGUMENT; the plugin refuses it first, naming the
/// limit and the model (a codec cannot split one call into several: the core owns the I/O).
inline constexpr std::size_t kVertexMaxEmbedInstances = 250;
inline constexpr std::string_view kVertexOneInstancePrefix = "gemini-embedding-";

inline constexpr std::string_view kContentType = "content-type";
inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kApiKeyHeader = "x-goog-api-key";
inline constexpr std::string_view kRetryAfter = "retry-after";

// -- Translated requests ------------------------------------------------------------------------

/// reasoning_effort → thinkingConfig.thinkingBudget ("none" turns thinking off).
struct EffortBudget {
  std::string_view effort;
  int64_t budget_tokens;
};
inline constexpr EffortBudget kEffortBudgets[] = {
    {"none", 0}, {"minimal", 128}, {"low", 1024}, {"medium", 8192}, {"high", 24576}};

/// Separator of a synthesised tool-call id and the functionCall's thoughtSignature carried in it
/// (Gemini 3 requires the signature back on the next turn; OpenAI clients echo ids unchanged).
inline constexpr std::string_view kThoughtSeparator = "__thought__";
/// Prefix of the tool-call ids the plugin synthesises (Gemini calls carry no id).
inline constexpr std::string_view kToolIdPrefix = "call_";

// -- Finish reasons -----------------------------------------------------------------------------

struct FinishReason {
  std::string_view gemini;
  std::string_view finish_reason;  // canonical (OpenAI) finish_reason
};

/// Candidate.finishReason → canonical finish_reason. A candidate that called functions and
/// stopped normally finishes with "tool_calls". Unknown reasons become "stop".
inline constexpr FinishReason kFinishReasons[] = {
    {"STOP", "stop"},
    {"MAX_TOKENS", "length"},
    {"SAFETY", "content_filter"},
    {"RECITATION", "content_filter"},
    {"LANGUAGE", "content_filter"},
    {"BLOCKLIST", "content_filter"},
    {"PROHIBITED_CONTENT", "content_filter"},
    {"SPII", "content_filter"},
    {"IMAGE_SAFETY", "content_filter"},
    {"MALFORMED_FUNCTION_CALL", "stop"},
    {"UNEXPECTED_TOOL_CALL", "stop"},
    {"OTHER", "stop"},
    {"FINISH_REASON_UNSPECIFIED", "stop"},
};

inline std::string_view finish_reason_for(std::string_view reason) noexcept {
  for (const FinishReason& f : kFinishReasons)
    if (f.gemini == reason) return f.finish_reason;
  return "stop";
}

// -- Errors -------------------------------------------------------------------------------------

struct ErrorStatus {
  std::string_view status;  // google.rpc.Code name in error.status
  int http;                 // the HTTP status Google answers it with
  llmgw_error_class error_class;
  std::string_view type;    // llmgw_error.type (OpenAI's error types; the core maps them per dialect)
};

/// error.status ↔ HTTP status ↔ class. A body without a status is classified by its HTTP status.
inline constexpr ErrorStatus kErrorStatuses[] = {
    {"INVALID_ARGUMENT", 400, LLMGW_ERR_INVALID_REQUEST, "invalid_request_error"},
    {"FAILED_PRECONDITION", 400, LLMGW_ERR_INVALID_REQUEST, "invalid_request_error"},
    {"OUT_OF_RANGE", 400, LLMGW_ERR_INVALID_REQUEST, "invalid_request_error"},
    {"UNAUTHENTICATED", 401, LLMGW_ERR_AUTH, "authentication_error"},
    {"PERMISSION_DENIED", 403, LLMGW_ERR_AUTH, "permission_error"},
    {"NOT_FOUND", 404, LLMGW_ERR_NOT_FOUND, "not_found_error"},
    {"ALREADY_EXISTS", 409, LLMGW_ERR_TRANSIENT, "api_error"},
    {"ABORTED", 409, LLMGW_ERR_TRANSIENT, "api_error"},
    {"RESOURCE_EXHAUSTED", 429, LLMGW_ERR_RATE_LIMITED, "rate_limit_error"},
    {"CANCELLED", 499, LLMGW_ERR_TRANSIENT, "api_error"},
    {"INTERNAL", 500, LLMGW_ERR_TRANSIENT, "api_error"},
    {"UNKNOWN", 500, LLMGW_ERR_TRANSIENT, "api_error"},
    {"DATA_LOSS", 500, LLMGW_ERR_TRANSIENT, "api_error"},
    {"UNIMPLEMENTED", 501, LLMGW_ERR_INVALID_REQUEST, "invalid_request_error"},
    {"UNAVAILABLE", 503, LLMGW_ERR_TRANSIENT, "api_error"},
    {"DEADLINE_EXCEEDED", 504, LLMGW_ERR_TRANSIENT, "api_error"},
};

inline const ErrorStatus* error_status_named(std::string_view status) noexcept {
  for (const ErrorStatus& e : kErrorStatuses)
    if (e.status == status) return &e;
  return nullptr;
}

/// google.rpc.ErrorInfo reasons that mean the key is wrong (Google answers 400 INVALID_ARGUMENT
/// "API key not valid"): classified AUTH and answered 401.
inline constexpr std::string_view kAuthReasons[] = {"API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED"};

/// Substrings (lower case) of an INVALID_ARGUMENT message that mean the input does not fit the
/// model's context window ("The input token count (1200000) exceeds the maximum number of tokens
/// allowed (1048576).").
inline constexpr std::string_view kContextWindowHints[] = {
    "exceeds the maximum number of tokens", "input token count", "context window", "too many tokens",
    "context length"};

/// llmgw_error.code given to context-window errors (what OpenAI clients look for).
inline constexpr std::string_view kContextLengthCode = "context_length_exceeded";

/// How much of a body that is not a Google error (an HTML page from a proxy) becomes the message.
inline constexpr std::size_t kMaxTextMessageBytes = 500;

}  // namespace llmgw::provider_gemini

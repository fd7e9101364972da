// provider-bedrock wire facts: the Bedrock Runtime Converse API (POST /model/{modelId}/converse,
// /model/{modelId}/converse-stream answered in application/vnd.amazon.eventstream), its SigV4
// signing scope, and the mapping tables (stopReason → canonical finish_reason; error types →
// HTTP status and llmgw error class).
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace llmgw::provider_bedrock {

/// llmgw_provider_vtable.provider_names (LiteLLM's prefix; bedrock/converse/<model> arrives as
/// provider "bedrock", model "converse/<model>").
inline constexpr const char* kProviderNames = "bedrock";

// -- URLs, headers, signing ---------------------------------------------------------------------

/// The regional endpoint: https://bedrock-runtime.<region>.amazonaws.com.
inline constexpr std::string_view kEndpointPrefix = "https://bedrock-runtime.";
inline constexpr std::string_view kEndpointSuffix = ".amazonaws.com";
inline constexpr std::string_view kModelPath = "/model/";
inline constexpr std::string_view kConversePath = "/converse";
inline constexpr std::string_view kConverseStreamPath = "/converse-stream";
inline constexpr std::string_view kInvokePath = "/invoke";  // InvokeModel: embedding models
/// Embedding model families (a model id containing one; region prefixes such as "us." allowed).
inline constexpr std::string_view kTitanEmbedModel = "amazon.titan-embed";
inline constexpr std::string_view kTitanEmbedV2Model = "amazon.titan-embed-text-v2";
inline constexpr std::string_view kCohereEmbedModel = "cohere.embed";
inline constexpr std::string_view kCohereEmbedV4Model = "cohere.embed-v4";
/// Titan Text Embeddings V2 output sizes; Cohere embed's texts per call.
inline constexpr int64_t kTitanDimensions[] = {256, 512, 1024};
inline constexpr std::size_t kCohereMaxTexts = 96;
/// InvokeModel's input token count.
inline constexpr std::string_view kInputTokenCountHeader = "x-amzn-bedrock-input-token-count";
/// LiteLLM's route prefix in the model (bedrock/converse/<model>): dropped from the model id.
inline constexpr std::string_view kConverseRoute = "converse/";
/// The SigV4 service name of bedrock-runtime.
inline constexpr std::string_view kSigningService = "bedrock";

inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kEventStream = "application/vnd.amazon.eventstream";
inline constexpr std::string_view kErrorTypeHeader = "x-amzn-errortype";
inline constexpr std::string_view kRequestIdHeader = "x-amzn-requestid";

/// The largest event-stream message the stream decoder accepts (prelude, headers, payload, CRC).
/// Bedrock's events are a few KB; a larger length is a corrupt or hostile stream.
inline constexpr std::size_t kMaxEventMessage = std::size_t{16} << 20;

/// The most tool calls one streamed answer may start (Bedrock's models make a handful).
inline constexpr std::size_t kMaxToolCalls = 1024;

// -- Translated requests ------------------------------------------------------------------------

/// reasoning_effort → additionalModelRequestFields.thinking.budget_tokens (Anthropic models).
struct EffortBudget {
  std::string_view effort;
  int64_t budget_tokens;
};
inline constexpr EffortBudget kEffortBudgets[] = {{"low", 1024}, {"medium", 2048}, {"high", 4096}};

/// Image media types Converse takes ({"image": {"format", "source": {"bytes"}}}).
struct ImageFormat {  // a media type and Converse's format name
  std::string_view media_type;
  std::string_view format;
};
inline constexpr ImageFormat kImageFormats[] = {
    {"image/png", "png"}, {"image/jpeg", "jpeg"}, {"image/jpg", "jpeg"}, {"image/gif", "gif"}, {"image/webp", "webp"}};

/// Document media types Converse takes ({"document": {"format", "name", "source": {"bytes"}}}).
inline constexpr ImageFormat kDocumentFormats[] = {
    {"application/pdf", "pdf"},
    {"text/csv", "csv"},
    {"text/html", "html"},
    {"text/plain", "txt"},
    {"text/markdown", "md"},
    {"application/msword", "doc"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
    {"application/vnd.ms-excel", "xls"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"}};

// -- Stop reasons -------------------------------------------------------------------------------

/// Converse stopReason → canonical finish_reason. Unknown reasons: "tool_calls" when the answer
/// called tools, else "stop".
inline std::string_view finish_reason_for(std::string_view stop_reason, bool called) noexcept {
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded") return "length";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "guardrail_intervened" || stop_reason == "content_filtered") return "content_filter";
  if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return called ? "tool_calls" : "stop";
  return called ? "tool_calls" : "stop";
}

// -- Errors -------------------------------------------------------------------------------------

/// An AWS error type (x-amzn-ErrorType, the body's __type, or an event-stream :exception-type,
/// compared case-insensitively) → the client's status, type and the llmgw class.
struct ErrorKind {
  std::string_view aws_type;
  int status;
  std::string_view type;
  llmgw_error_class error_class;
};
inline constexpr ErrorKind kErrorKinds[] = {
    {"ValidationException", 400, "invalid_request_error", LLMGW_ERR_INVALID_REQUEST},
    {"SerializationException", 400, "invalid_request_error", LLMGW_ERR_INVALID_REQUEST},
    {"AccessDeniedException", 403, "permission_error", LLMGW_ERR_AUTH},
    {"UnrecognizedClientException", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"InvalidSignatureException", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"IncompleteSignatureException", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"IncompleteSignature", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"MissingAuthenticationTokenException", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"ExpiredTokenException", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"InvalidClientTokenId", 401, "authentication_error", LLMGW_ERR_AUTH},
    {"ResourceNotFoundException", 404, "not_found_error", LLMGW_ERR_NOT_FOUND},
    {"ThrottlingException", 429, "rate_limit_error", LLMGW_ERR_RATE_LIMITED},
    {"ServiceQuotaExceededException", 429, "rate_limit_error", LLMGW_ERR_RATE_LIMITED},
    {"ModelNotReadyException", 503, "api_error", LLMGW_ERR_TRANSIENT},
    {"ServiceUnavailableException", 503, "api_error", LLMGW_ERR_TRANSIENT},
    {"ModelTimeoutException", 504, "api_error", LLMGW_ERR_TRANSIENT},
    {"InternalServerException", 500, "api_error", LLMGW_ERR_TRANSIENT},
    {"InternalFailure", 500, "api_error", LLMGW_ERR_TRANSIENT},
    {"ModelErrorException", 502, "api_error", LLMGW_ERR_TRANSIENT},
    {"ModelStreamErrorException", 502, "api_error", LLMGW_ERR_TRANSIENT},
    {"ConflictException", 409, "api_error", LLMGW_ERR_TRANSIENT},
};

/// ValidationException texts (lower case) meaning the input does not fit the context window.
inline constexpr std::string_view kContextWindowHints[] = {
    "input is too long", "too many input tokens", "prompt is too long", "context length", "context window",
    "maximum context", "too many tokens"};

/// Error texts longer than this are cut (on a UTF-8 boundary) before they reach a client.
inline constexpr std::size_t kMaxErrorMessageBytes = 2000;

}  // namespace llmgw::provider_bedrock

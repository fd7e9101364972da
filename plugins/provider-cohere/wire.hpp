// provider-cohere wire facts: Cohere's v2 chat API (POST /v2/chat, SSE streams of typed events).
#pragma once

#include <cstddef>
#include <string_view>

namespace llmgw::provider_cohere {

inline constexpr const char* kProviderNames = "cohere cohere_chat";

inline constexpr std::string_view kDefaultApiBase = "https://api.cohere.com";
inline constexpr std::string_view kChatPath = "/v2/chat";
inline constexpr std::string_view kEmbedPath = "/v2/embed";

/// /v2/embed: input_type values, the one sent unless extra.input_type says otherwise, and the
/// most texts one call takes.
inline constexpr std::string_view kInputTypes[] = {"search_document", "search_query", "classification", "clustering"};
inline constexpr std::string_view kDefaultInputType = "search_document";
inline constexpr std::size_t kMaxEmbedTexts = 96;
/// Models taking output_dimension (embed-v4 and later; v3 models have fixed sizes).
inline constexpr std::string_view kOutputDimensionModelPrefix = "embed-v4";

/// finish_reason (v2) → canonical finish_reason.
inline std::string_view finish_reason_for(std::string_view reason, bool called) noexcept {
  if (reason == "MAX_TOKENS") return "length";
  if (reason == "TOOL_CALL" || called) return "tool_calls";
  return "stop";  // COMPLETE, STOP_SEQUENCE, ERROR, TIMEOUT, unknown
}

/// reasoning_effort → thinking.token_budget ("none" disables thinking).
struct EffortBudget {
  std::string_view effort;
  long budget;
};
inline constexpr EffortBudget kEffortBudgets[] = {{"minimal", 512}, {"low", 1024}, {"medium", 4096}, {"high", 16384}};

/// Cohere's error texts (lower case) meaning the input does not fit the context window.
inline constexpr std::string_view kContextWindowHints[] = {"too many tokens", "context length", "context window", "exceeds the maximum"};

}  // namespace llmgw::provider_cohere

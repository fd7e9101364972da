// provider-mistral wire facts: Mistral's chat API is OpenAI-shaped; these are the differences
// the plugin translates (README.md has the table).
#pragma once

#include <string_view>

namespace llmgw::provider_mistral {

inline constexpr const char* kProviderNames = "mistral";

inline constexpr std::string_view kDefaultApiBase = "https://api.mistral.ai";
inline constexpr std::string_view kVersionPrefix = "/v1";
inline constexpr std::string_view kChatPath = "/chat/completions";
inline constexpr std::string_view kEmbeddingsPath = "/embeddings";
/// Embedding models with one fixed output size (no output_dimension): mistral-embed (1024).
inline constexpr std::string_view kFixedDimensionModelPrefix = "mistral-embed";

/// Mistral's tool-call ids: exactly this many characters of [A-Za-z0-9].
inline constexpr std::size_t kToolIdLength = 9;

/// Canonical request members Mistral's chat endpoint does not take (it answers 422 to unknown
/// members): dropped, being hints or gateway extensions.
inline constexpr std::string_view kDropped[] = {
    "user", "metadata", "store", "service_tier", "stream_options", "logit_bias", "top_k", "thinking",
    "reasoning_effort", "cache_control", "safety_identifier", "modalities", "audio",
    "web_search_options", "verbosity", "functions", "function_call"};

/// Mistral finish reasons that are not canonical → canonical.
inline std::string_view canonical_finish(std::string_view reason) noexcept {
  if (reason == "model_length") return "length";
  if (reason == "error") return "stop";
  return reason;
}

}  // namespace llmgw::provider_mistral

// provider-ollama wire facts: Ollama's native chat API (POST /api/chat, NDJSON streams).
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <string_view>

namespace llmgw::provider_ollama {

/// LiteLLM's prefixes: ollama_chat/ is /api/chat; ollama/ (LiteLLM's /api/generate route) is
/// served through /api/chat too, which takes the same models and gives the same answers.
inline constexpr const char* kProviderNames = "ollama ollama_chat";

inline constexpr std::string_view kDefaultApiBase = "http://localhost:11434";
inline constexpr std::string_view kChatPath = "/api/chat";
inline constexpr std::string_view kEmbedPath = "/api/embed";

/// The longest NDJSON line a stream may send (an inline image answer is the big case).
inline constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;

/// done_reason → canonical finish_reason ("load" / "unload" answers carry no text).
inline std::string_view finish_reason_for(std::string_view done_reason, bool called) noexcept {
  if (done_reason == "length") return "length";
  return called ? "tool_calls" : "stop";
}

/// Ollama's error texts (lower case) that mean the input does not fit the context window.
inline constexpr std::string_view kContextWindowHints[] = {"context length", "context window", "exceeds the context", "too long"};

inline constexpr std::string_view kToolIdPrefix = "call_";

}  // namespace llmgw::provider_ollama

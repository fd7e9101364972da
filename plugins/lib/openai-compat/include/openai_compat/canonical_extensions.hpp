// Canonical extensions (sdk/CANONICAL.md) that an OpenAI-compatible upstream would reject.
#pragma once

#include <string>
#include <string_view>

namespace llmgw::openai_compat {

/// True for upstreams that sample with top_k (vLLM, Together, Fireworks, Ollama, ...).
bool accepts_top_k(std::string_view provider_name);

struct ExtensionPolicy {
  bool keep_top_k = false;  // vLLM, Together, Fireworks, Ollama... sample with top_k; OpenAI does not
};

/// For a body translated from another client dialect: the same canonical request without the
/// extensions OpenAI-shaped upstreams reject — `thinking`, `top_k` (unless kept), and on
/// messages `thinking_blocks`, `reasoning_content`, `is_error`, and `cache_control` on content
/// parts and tools. Returns false (and leaves `out` empty) when `body` is not a JSON object or
/// nests deeper than llmgw::kJsonMaxDepth.
bool strip_canonical_extensions(std::string_view body, const ExtensionPolicy& policy, std::string& out);

}  // namespace llmgw::openai_compat

// Gemini usageMetadata → llmgw_usage and the canonical usage object (sdk/CANONICAL.md "Usage"):
//   prompt_tokens      = promptTokenCount (cached content included, as OpenAI counts it)
//                        + toolUsePromptTokenCount
//   completion_tokens  = candidatesTokenCount + thoughtsTokenCount (reasoning included)
//   cached_tokens      = cachedContentTokenCount
//   reasoning_tokens   = thoughtsTokenCount
//   cache_creation     not reported by Gemini (-1; 0 in the canonical object)
#pragma once

#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string_view>

namespace llmgw::provider_gemini {

struct Usage {
  int64_t prompt = -1;      // promptTokenCount
  int64_t candidates = -1;  // candidatesTokenCount
  int64_t thoughts = -1;    // thoughtsTokenCount
  int64_t cached = -1;      // cachedContentTokenCount
  int64_t tool_prompt = -1; // toolUsePromptTokenCount

  bool any() const noexcept { return prompt >= 0 || candidates >= 0 || thoughts >= 0 || cached >= 0 || tool_prompt >= 0; }

  /// Reads a usageMetadata object (a RapidJSON value; anything else gives "not reported").
  template <typename JsonValue>
  static Usage read(const JsonValue& obj) {
    Usage u;
    if (!obj.IsObject()) return u;
    for (auto& m : obj.GetObject()) {
      if (!m.value.IsInt64() || m.value.GetInt64() < 0) continue;
      const std::string_view key(m.name.GetString(), m.name.GetStringLength());
      const int64_t v = m.value.GetInt64();
      if (key == "promptTokenCount") u.prompt = v;
      else if (key == "candidatesTokenCount") u.candidates = v;
      else if (key == "thoughtsTokenCount") u.thoughts = v;
      else if (key == "cachedContentTokenCount") u.cached = v;
      else if (key == "toolUsePromptTokenCount") u.tool_prompt = v;
    }
    return u;
  }

  static int64_t nz(int64_t v) noexcept { return v > 0 ? v : 0; }

  int64_t prompt_tokens() const noexcept { return prompt < 0 && tool_prompt < 0 ? -1 : nz(prompt) + nz(tool_prompt); }
  int64_t completion_tokens() const noexcept { return candidates < 0 && thoughts < 0 ? -1 : nz(candidates) + nz(thoughts); }

  llmgw_usage to_llmgw() const noexcept {
    llmgw_usage u = unknown_usage();
    u.prompt_tokens = prompt_tokens();
    u.completion_tokens = completion_tokens();
    u.cached_tokens = cached;
    u.reasoning_tokens = thoughts;
    return u;
  }

  /// Writes the canonical usage object (unknown counts as 0) with a RapidJSON writer.
  template <typename Writer>
  void write_canonical(Writer& w) const {
    const int64_t p = nz(prompt_tokens());
    const int64_t c = nz(completion_tokens());
    w.StartObject();
    w.Key("prompt_tokens");
    w.Int64(p);
    w.Key("completion_tokens");
    w.Int64(c);
    w.Key("total_tokens");
    w.Int64(p + c);
    w.Key("prompt_tokens_details");
    w.StartObject();
    w.Key("cached_tokens");
    w.Int64(nz(cached));
    w.EndObject();
    w.Key("completion_tokens_details");
    w.StartObject();
    w.Key("reasoning_tokens");
    w.Int64(nz(thoughts));
    w.EndObject();
    w.EndObject();
  }
};

}  // namespace llmgw::provider_gemini

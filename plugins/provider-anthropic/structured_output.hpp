// Which Claude models take Anthropic's native structured output (output_config.format): Opus 4.1,
// and every Opus / Sonnet / Haiku from 4.5 on. Older models get response_format json_schema as a
// forced tool instead (see encode.cpp), as LiteLLM sends it.
#pragma once

#include <cstddef>
#include <string_view>

namespace llmgw::provider_anthropic {

/// True for model ids such as "claude-sonnet-4-5", "claude-opus-4-1-20250805", "claude-haiku-4-5@x",
/// "claude-sonnet-5"; false for "claude-3-5-sonnet-…", "claude-sonnet-4-20250514" and unknown ids.
inline bool has_native_structured_output(std::string_view model) {
  for (std::string_view family : {"claude-opus-", "claude-sonnet-", "claude-haiku-"}) {
    const std::size_t at = model.find(family);
    if (at == std::string_view::npos) continue;
    std::string_view rest = model.substr(at + family.size());
    auto number = [&rest](int& out) {  // 1-2 digits, then end or '-', '@', '.', ':'
      std::size_t n = 0;
      out = 0;
      while (n < rest.size() && n < 3 && rest[n] >= '0' && rest[n] <= '9') out = out * 10 + (rest[n++] - '0');
      if (n == 0 || n > 2) return false;
      rest.remove_prefix(n);
      return true;
    };
    int major = 0;
    int minor = 0;
    if (!number(major)) return false;
    if (!rest.empty() && rest.front() == '-') {
      rest.remove_prefix(1);
      std::string_view before = rest;
      if (!number(minor)) { minor = 0; rest = before; }
    }
    const bool opus = family == "claude-opus-";
    return major > 4 || (major == 4 && (minor >= 5 || (opus && minor >= 1)));
  }
  return false;
}

}  // namespace llmgw::provider_anthropic

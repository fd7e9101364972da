// provider-mistral configuration: create()'s JSON → the chat URL, the Authorization line, the
// extra headers and safe_prompt.
#pragma once

#include <plugin_util/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_mistral {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  std::string chat_url;             // {api_base}/v1/chat/completions
  std::string embeddings_url;       // {api_base}/v1/embeddings
  std::vector<Header> headers;      // authorization (when a key is set), then extra headers
  bool safe_prompt = false;         // extra.safe_prompt: Mistral's safety system prompt
  std::vector<std::string> secrets; // never in an error message
};

/// {"provider", "api_base", "api_key", "extra": {"safe_prompt": bool, "headers", "extra_headers"}}.
/// Throws ConfigError.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_mistral

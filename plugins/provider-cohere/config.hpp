// provider-cohere configuration: create()'s JSON → the chat URL and the header lines.
#pragma once

#include <plugin_util/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_cohere {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  std::string chat_url;             // {api_base}/v2/chat
  std::string embed_url;            // {api_base}/v2/embed
  std::string input_type;           // /v2/embed input_type: extra.input_type, else search_document
  std::vector<Header> headers;      // authorization: Bearer <key>, then extra headers
  std::vector<std::string> secrets;
};

/// {"provider", "api_base", "api_key", "extra": {"headers", "extra_headers", "input_type"}}.
/// Throws ConfigError (an input_type Cohere does not know among them).
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_cohere

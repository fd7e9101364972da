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
  std::vector<Header> headers;      // authorization: Bearer <key>, then extra headers
  std::vector<std::string> secrets;
};

/// {"provider", "api_base", "api_key", "extra": {"headers", "extra_headers"}}. Throws ConfigError.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_cohere

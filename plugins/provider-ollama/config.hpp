// provider-ollama configuration: create()'s JSON → the chat URL, optional auth and extra
// headers, and the options every request carries (extra.keep_alive, extra.num_ctx).
#pragma once

#include <plugin_util/config.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_ollama {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  std::string chat_url;              // {api_base}/api/chat
  std::string embed_url;             // {api_base}/api/embed
  std::vector<Header> headers;       // authorization: Bearer (when api_key is set; Ollama Cloud, proxies), extra headers
  std::string keep_alive_json;       // extra.keep_alive as JSON ("\"5m\"" or "-1"); empty: Ollama's default
  int64_t num_ctx = 0;               // extra.num_ctx → options.num_ctx; 0: the model's default
  std::vector<std::string> secrets;
};

/// {"provider", "api_base", "api_key", "extra": {"keep_alive", "num_ctx", "headers", "extra_headers"}}.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_ollama

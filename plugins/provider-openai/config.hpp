// provider-openai configuration: create()'s JSON → an immutable Config holding the finished
// URLs and header lines, so that encode_request does no formatting work.
#pragma once

#include "wire.hpp"

#include <plugin_util/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_openai {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  const ProviderInfo* provider = nullptr;
  std::string chat_url;
  std::string embeddings_url;
  /// Sent in this order on every request: Content-Type, auth, OpenAI-Organization, then
  /// extra.headers / extra.extra_headers (which replace an earlier header of the same name).
  std::vector<Header> headers;
  /// Values that must never reach an error message (api key, tokens, auth header values).
  std::vector<std::string> secrets;
};

/// Parses create()'s config JSON:
///   {"provider", "model", "api_base", "api_key", "api_version",
///    "extra": {"organization", "headers": {..}, "extra_headers": {..}, "azure_ad_token", ...}}
/// Null members count as absent; unknown members are ignored. Throws ConfigError. Appends
/// non-fatal remarks (e.g. the default Azure api-version) to `warnings`.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_openai

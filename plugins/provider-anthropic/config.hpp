// provider-anthropic configuration: create()'s JSON → an immutable Config holding the finished
// URLs and the fixed header lines, so that encode_request does no formatting work.
#pragma once

#include <plugin_util/config.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_anthropic {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  std::string messages_url;      // {api_base}/v1/messages
  std::string count_tokens_url;  // {api_base}/v1/messages/count_tokens
  /// x-api-key (absent when no key is configured); sent after content-type.
  std::vector<Header> auth;
  /// anthropic-version of translated calls (passthrough sends the client's, or none).
  std::string version;
  /// The operator set anthropic-version as a header (extra.headers / extra_headers): sent on
  /// passthrough too when the client sent none, as every configured header is.
  bool version_is_header = false;
  /// extra.headers / extra.extra_headers, sent last on every request.
  std::vector<Header> extra_headers;
  /// max_tokens of a translated request that sets none.
  int64_t default_max_tokens = 0;
  /// Values that must never reach an error message (the api key, auth header values).
  std::vector<std::string> secrets;
};

/// Parses create()'s config JSON:
///   {"provider", "model", "api_base", "api_key",
///    "extra": {"anthropic_version", "max_tokens", "headers": {..}, "extra_headers": {..}}}
/// Null members count as absent; unknown members are ignored. Throws ConfigError. Appends
/// non-fatal remarks (e.g. no api_key) to `warnings`.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_anthropic

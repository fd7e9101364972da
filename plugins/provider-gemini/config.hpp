// provider-gemini configuration: create()'s JSON → an immutable Config holding the URL prefix
// every call's URL starts with and the fixed header lines, so that encode_request only appends
// the model and the method.
#pragma once

#include <plugin_util/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_gemini {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  /// {api_base}/{api_version}/models/ — the model and ":generateContent" follow.
  std::string models_url;
  /// x-goog-api-key (absent when no key is configured); sent after content-type.
  std::vector<Header> auth;
  /// extra.headers / extra.extra_headers, sent last on every request.
  std::vector<Header> extra_headers;
  /// Values that must never reach an error message (the api key, auth header values).
  std::vector<std::string> secrets;
};

/// Parses create()'s config JSON:
///   {"provider", "model", "api_base", "api_key", "api_version",
///    "extra": {"headers": {..}, "extra_headers": {..}}}
/// api_version is the path's version segment ("v1beta" unless given: "v1", "v1alpha", ...).
/// Null members count as absent; unknown members are ignored. Throws ConfigError. Appends
/// non-fatal remarks (e.g. no api_key) to `warnings`.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_gemini

// provider-bedrock configuration: create()'s JSON (LiteLLM litellm_params; secrets already
// resolved by the core) → an immutable Config: the endpoint, the Host header it is signed with,
// the SigV4 credentials and region (or a Bedrock API key sent as a Bearer token), extra headers.
#pragma once

#include <llmgw/plugin.hpp>

#include <plugin_util/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_bedrock {

using plugin_util::ConfigError;
using plugin_util::Header;

struct Config {
  /// scheme://authority[/prefix]: api_base (or aws_bedrock_runtime_endpoint), else the regional
  /// endpoint https://bedrock-runtime.<region>.amazonaws.com. "/model/<id>/converse" follows.
  std::string base_url;
  /// The path part of base_url ("" for the AWS endpoint), signed as part of the canonical URI.
  std::string base_path;
  /// The Host header sent (explicitly, so that the signed value is the one on the wire).
  std::string host;
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // x-amz-security-token when not empty
  /// A Bedrock API key (api_key): sent as "Authorization: Bearer <key>" instead of SigV4.
  std::string api_key;
  /// extra.headers / extra.extra_headers, sent last and not signed.
  std::vector<Header> extra_headers;
  /// Cohere embed models: input_type (extra.input_type, search_document unless set).
  std::string embed_input_type = "search_document";
  /// Values that must never reach an error message (secret key, session token, api key).
  std::vector<std::string> secrets;
};

/// Parses create()'s config JSON:
///   {"provider": "bedrock", "model", "api_base", "api_key",
///    "extra": {"aws_region_name", "aws_access_key_id", "aws_secret_access_key",
///              "aws_session_token", "aws_bedrock_runtime_endpoint", "headers", "extra_headers"}}
/// A missing region or key pair is looked up in the environment through the host
/// (AWS_REGION / AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
/// AWS_SESSION_TOKEN), as LiteLLM's boto3 does. Credential sources that need a call of their own
/// (aws_profile_name, aws_role_name, aws_web_identity_token, ...) are refused: a provider plugin
/// makes no requests. Throws ConfigError.
Config parse_config(std::string_view json, const Host& host, std::vector<std::string>& warnings);

/// The model id a call names: "converse/" (LiteLLM's route) dropped.
std::string_view model_id(std::string_view model) noexcept;

}  // namespace llmgw::provider_bedrock

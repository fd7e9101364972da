// provider-gemini configuration: create()'s JSON → an immutable Config holding the URL prefix
// every call's URL starts with and the fixed header lines, so that encode_request only appends
// the model and the method.
#pragma once

#include "vertex_auth.hpp"

#include <provider-anthropic/config.hpp>
#include <provider-mistral/config.hpp>

#include <plugin_util/config.hpp>

#include <llmgw/plugin.hpp>

#include <memory>
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
  /// vertex_ai/ deployments: the service-account credentials and their cached access token
  /// (null for gemini/). Shared, not copied: the token is renewed in place.
  std::shared_ptr<VertexAuth> vertex;
  /// A vertex_ai/ deployment (with or without credentials).
  bool vertex_ai = false;
  /// vertex_ai/ only: the Anthropic partner models' URL prefix
  /// ({base}/v1/projects/{p}/locations/{l}/publishers/anthropic/models/; the model and
  /// ":rawPredict" / ":streamRawPredict" follow) and the Messages codec's config (anthropic_version
  /// "vertex-2023-10-16" in the body, no key). Calls whose model is claude-… use them.
  std::string claude_url;
  std::shared_ptr<const provider_anthropic::Config> claude;
  /// vertex_ai/ only: Vertex's OpenAI-compatible Chat Completions endpoint for the open models
  /// served as APIs (MaaS: Llama, DeepSeek, Qwen, …), {base}/v1/projects/{p}/locations/{l}/
  /// endpoints/openapi/chat/completions. Calls whose model names its publisher ("meta/…") use it.
  std::string open_models_url;
  /// vertex_ai/ only: the Mistral partner models' URL prefix
  /// ({base}/v1/projects/{p}/locations/{l}/publishers/mistralai/models/; the model with its
  /// version and ":rawPredict" / ":streamRawPredict" follow) and the Mistral codec's config
  /// (extra.safe_prompt; no key, no URL). Calls whose model is mistral-… or codestral-… use them.
  std::string mistral_url;
  std::shared_ptr<const provider_mistral::Config> mistral;
};

/// A model served through Vertex AI's Anthropic publisher rather than the Gemini codec
/// (LiteLLM's vertex_ai/claude-…, e.g. claude-sonnet-4-5@20250929).
bool is_vertex_claude(const Config& cfg, std::string_view model);

/// A model served through Vertex AI's OpenAI-compatible endpoint (LiteLLM's
/// vertex_ai/meta/llama-3.3-70b-instruct-maas: the model id names its publisher).
bool is_vertex_open_model(const Config& cfg, std::string_view model);

/// A model served through Vertex AI's Mistral publisher with Mistral's own chat body (LiteLLM's
/// vertex_ai/mistral-large-2411, vertex_ai/mistral-small-2503@001, vertex_ai/codestral-2501: a
/// model id without a publisher whose name starts with mistral, codestral or ministral).
bool is_vertex_mistral(const Config& cfg, std::string_view model);

/// Parses create()'s config JSON:
///   {"provider", "model", "api_base", "api_key", "api_version",
///    "extra": {"headers": {..}, "extra_headers": {..}}}
/// api_version is the path's version segment ("v1beta" unless given: "v1", "v1alpha", ...).
/// provider "vertex_ai" (LiteLLM's vertex_ai/ prefix) reads extra.vertex_project,
/// extra.vertex_location (us-central1 unless given; "global" too) and extra.vertex_credentials (a
/// service-account key: its JSON text or a file path); models_url is then
/// https://{location}-aiplatform.googleapis.com/{v1}/projects/{p}/locations/{l}/publishers/google/models/
/// (api_base replaces the scheme and host).
/// Null members count as absent; unknown members are ignored. Throws ConfigError. Appends
/// non-fatal remarks (e.g. no api_key) to `warnings`.
Config parse_config(std::string_view json, std::vector<std::string>& warnings);
/// The same, with the host's secret() for Vertex's fallback to GOOGLE_APPLICATION_CREDENTIALS
/// (the key file's path) when no vertex_credentials is given; `host` may be null.
Config parse_config(std::string_view json, const llmgw::Host* host, std::vector<std::string>& warnings);

}  // namespace llmgw::provider_gemini

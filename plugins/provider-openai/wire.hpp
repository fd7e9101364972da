// provider-openai wire facts: the provider names it serves with their default api_base, how
// each authenticates and builds URLs, and the header names and paths it sends.
#pragma once

#include <string_view>

namespace llmgw::provider_openai {

/// How a provider's URLs are built.
enum class UrlStyle {
  kOpenAI,           // {api_base}/chat/completions, {api_base}/embeddings
  kAzureDeployment,  // {api_base}/openai/deployments/{model}/chat/completions?api-version=…
  kAzureAI,          // {api_base}/chat/completions[?api-version=…] (Azure AI model inference)
};

/// How a provider takes its key.
enum class AuthStyle {
  kBearer,     // Authorization: Bearer <key>, omitted when the key is empty
  kAzureKey,   // api-key: <key>; else Authorization: Bearer <extra.azure_ad_token>
};

struct ProviderInfo {
  std::string_view name;          // as written before the "/" of a deployment's model
  std::string_view default_base;  // empty: the deployment must set api_base
  UrlStyle url;
  AuthStyle auth;
};

inline constexpr ProviderInfo kProviders[] = {
    {"openai", "https://api.openai.com/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"azure", "", UrlStyle::kAzureDeployment, AuthStyle::kAzureKey},
    {"azure_ai", "", UrlStyle::kAzureAI, AuthStyle::kBearer},
    {"openai_compatible", "", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"custom_openai", "", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"hosted_vllm", "", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"vllm", "", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"groq", "https://api.groq.com/openai/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"together_ai", "https://api.together.xyz/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"fireworks_ai", "https://api.fireworks.ai/inference/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"deepinfra", "https://api.deepinfra.com/v1/openai", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"perplexity", "https://api.perplexity.ai", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"openrouter", "https://openrouter.ai/api/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"xai", "https://api.x.ai/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"deepseek", "https://api.deepseek.com/v1", UrlStyle::kOpenAI, AuthStyle::kBearer},
    {"lm_studio", "", UrlStyle::kOpenAI, AuthStyle::kBearer},
};

/// llmgw_provider_vtable.provider_names: the names above, in the same order (a test checks).
inline constexpr const char* kProviderNames =
    "openai azure azure_ai openai_compatible custom_openai hosted_vllm vllm groq together_ai "
    "fireworks_ai deepinfra perplexity openrouter xai deepseek lm_studio";

/// The provider named `name`, or null.
inline const ProviderInfo* find_provider(std::string_view name) noexcept {
  for (const ProviderInfo& p : kProviders)
    if (p.name == name) return &p;
  return nullptr;
}

/// Azure api-version used when a deployment sets none (a warning is logged at create).
inline constexpr std::string_view kAzureDefaultApiVersion = "2024-10-21";

inline constexpr std::string_view kChatPath = "/chat/completions";
inline constexpr std::string_view kEmbeddingsPath = "/embeddings";
inline constexpr std::string_view kAzureDeploymentsPath = "/openai/deployments/";
inline constexpr std::string_view kApiVersionQuery = "?api-version=";

inline constexpr std::string_view kContentType = "Content-Type";
inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kAuthorization = "Authorization";
inline constexpr std::string_view kBearerPrefix = "Bearer ";
inline constexpr std::string_view kAzureApiKey = "api-key";
inline constexpr std::string_view kOrganization = "OpenAI-Organization";

}  // namespace llmgw::provider_openai

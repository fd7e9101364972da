#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>

#include <rapidjson/document.h>

#include <cctype>

namespace llmgw::provider_openai {
namespace {

using plugin_util::string_member;
using rapidjson::Value;

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
std::string encode_component(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

/// Adds a header, replacing one of the same name (case-insensitive).
void set_header(std::vector<Header>& headers, std::string name, std::string value) {
  std::erase_if(headers, [&](const Header& h) { return iequals(h.name, name); });
  headers.push_back(Header{std::move(name), std::move(value)});
}

void add_extra_headers(const Value& extra, const char* key, Config& cfg) {
  plugin_util::for_each_header_member(extra, key, "extra.", [&](std::string name, std::string value) {
    if (plugin_util::is_auth_header(name) && !value.empty()) {
      cfg.secrets.push_back(value);
      if (value.starts_with(kBearerPrefix) && value.size() > kBearerPrefix.size())
        cfg.secrets.push_back(value.substr(kBearerPrefix.size()));
    }
    set_header(cfg.headers, std::move(name), std::move(value));
  });
}

}  // namespace

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);

  Config cfg;
  const std::string provider = string_member(doc, "provider");
  cfg.provider = find_provider(provider);
  if (!cfg.provider) throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const ProviderInfo& p = *cfg.provider;

  const std::string model = string_member(doc, "model");
  const std::string api_key = string_member(doc, "api_key");
  std::string api_version = string_member(doc, "api_version");
  std::string base = string_member(doc, "api_base");
  const Value& extra = plugin_util::object_member(doc, "extra");

  if (base.empty()) base = std::string(p.default_base);
  if (base.empty())
    throw ConfigError("provider '" + provider + "' needs api_base (the URL of the OpenAI-compatible server)");
  // An Azure resource endpoint may be given with its /openai suffix.
  base = plugin_util::normalise_api_base(std::move(base), p.url == UrlStyle::kAzureDeployment ? "/openai" : "");

  switch (p.url) {
    case UrlStyle::kOpenAI:
      cfg.chat_url = base + std::string(kChatPath);
      cfg.embeddings_url = base + std::string(kEmbeddingsPath);
      break;
    case UrlStyle::kAzureAI: {
      const std::string query = api_version.empty() ? "" : std::string(kApiVersionQuery) + encode_component(api_version);
      cfg.chat_url = base + std::string(kChatPath) + query;
      cfg.embeddings_url = base + std::string(kEmbeddingsPath) + query;
      break;
    }
    case UrlStyle::kAzureDeployment: {
      if (model.empty()) throw ConfigError("provider 'azure' needs model (the Azure deployment name)");
      if (api_version.empty()) {
        api_version = kAzureDefaultApiVersion;
        warnings.push_back("no api_version set for azure; using " + api_version);
      }
      const std::string prefix = base + std::string(kAzureDeploymentsPath) + encode_component(model);
      const std::string query = std::string(kApiVersionQuery) + encode_component(api_version);
      cfg.chat_url = prefix + std::string(kChatPath) + query;
      cfg.embeddings_url = prefix + std::string(kEmbeddingsPath) + query;
      break;
    }
  }

  cfg.headers.push_back(Header{std::string(kContentType), std::string(kJson)});
  if (!api_key.empty()) {
    plugin_util::check_header("api_key", api_key);
    cfg.secrets.push_back(api_key);
    if (p.auth == AuthStyle::kAzureKey) {
      cfg.headers.push_back(Header{std::string(kAzureApiKey), api_key});
    } else {
      cfg.headers.push_back(Header{std::string(kAuthorization), std::string(kBearerPrefix) + api_key});
    }
  }
  if (p.auth == AuthStyle::kAzureKey && api_key.empty()) {
    const std::string token = string_member(extra, "azure_ad_token", "extra.");
    if (!token.empty()) {
      plugin_util::check_header("azure_ad_token", token);
      cfg.secrets.push_back(token);
      cfg.headers.push_back(Header{std::string(kAuthorization), std::string(kBearerPrefix) + token});
    }
  }
  if (const std::string org = string_member(extra, "organization", "extra."); !org.empty()) {
    plugin_util::check_header(kOrganization, org);
    cfg.headers.push_back(Header{std::string(kOrganization), org});
  }
  add_extra_headers(extra, "headers", cfg);
  add_extra_headers(extra, "extra_headers", cfg);
  return cfg;
}

}  // namespace llmgw::provider_openai

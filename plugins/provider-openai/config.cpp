#include "config.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>

#include <cctype>

namespace llmgw::provider_openai {
namespace {

using rapidjson::Value;

/// A string member, "" when absent or null; throws when it has another type.
std::string text(const Value& obj, const char* name, const char* where = "") {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return {};
  if (!it->value.IsString()) throw ConfigError(std::string(where) + name + " must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

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

bool token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

void check_header(std::string_view name, std::string_view value) {
  if (name.empty()) throw ConfigError("extra header names must not be empty");
  for (unsigned char c : name)
    if (!token_char(c)) throw ConfigError("extra header name '" + std::string(name) + "' is not a valid HTTP token");
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0')
      throw ConfigError("the value of header '" + std::string(name) + "' contains a line break or NUL");
}

/// Adds a header, replacing one of the same name (case-insensitive).
void set_header(std::vector<Header>& headers, std::string name, std::string value) {
  std::erase_if(headers, [&](const Header& h) { return iequals(h.name, name); });
  headers.push_back(Header{std::move(name), std::move(value)});
}

bool is_auth_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "api-key") || iequals(name, "x-api-key");
}

void add_extra_headers(const Value& extra, const char* key, Config& cfg) {
  auto it = extra.FindMember(key);
  if (it == extra.MemberEnd() || it->value.IsNull()) return;
  if (!it->value.IsObject()) throw ConfigError(std::string("extra.") + key + " must be an object");
  for (auto& m : it->value.GetObject()) {
    std::string name(m.name.GetString(), m.name.GetStringLength());
    if (!m.value.IsString()) throw ConfigError(std::string("extra.") + key + "." + name + " must be a string");
    std::string value(m.value.GetString(), m.value.GetStringLength());
    check_header(name, value);
    if (is_auth_header(name) && !value.empty()) {
      cfg.secrets.push_back(value);
      if (value.starts_with(kBearerPrefix) && value.size() > kBearerPrefix.size())
        cfg.secrets.push_back(value.substr(kBearerPrefix.size()));
    }
    set_header(cfg.headers, std::move(name), std::move(value));
  }
}

/// Checks and normalises api_base: http(s)://host…, no trailing slash.
std::string normalise_base(std::string base, const ProviderInfo& p) {
  if (!base.starts_with("https://") && !base.starts_with("http://"))
    throw ConfigError("api_base must start with http:// or https://");
  for (unsigned char c : base)
    if (c <= ' ' || c == 0x7f) throw ConfigError("api_base must not contain spaces or control characters");
  while (base.ends_with('/')) base.pop_back();
  if (p.url == UrlStyle::kAzureDeployment && base.ends_with("/openai")) {
    base.resize(base.size() - 7);  // the resource endpoint was given with its /openai suffix
    while (base.ends_with('/')) base.pop_back();
  }
  const std::size_t scheme_end = base.find("://");
  if (scheme_end == std::string::npos || scheme_end + 3 >= base.size()) throw ConfigError("api_base has no host");
  return base;
}

}  // namespace

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw ConfigError("config is not a JSON object");

  Config cfg;
  const std::string provider = text(doc, "provider");
  cfg.provider = find_provider(provider);
  if (!cfg.provider) throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const ProviderInfo& p = *cfg.provider;

  const std::string model = text(doc, "model");
  const std::string api_key = text(doc, "api_key");
  std::string api_version = text(doc, "api_version");
  std::string base = text(doc, "api_base");
  static const Value kNoExtra(rapidjson::kObjectType);
  const Value* extra = &kNoExtra;
  if (auto it = doc.FindMember("extra"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) throw ConfigError("extra must be an object");
    extra = &it->value;
  }

  if (base.empty()) base = std::string(p.default_base);
  if (base.empty())
    throw ConfigError("provider '" + provider + "' needs api_base (the URL of the OpenAI-compatible server)");
  base = normalise_base(std::move(base), p);

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
    check_header("api_key", api_key);
    cfg.secrets.push_back(api_key);
    if (p.auth == AuthStyle::kAzureKey) {
      cfg.headers.push_back(Header{std::string(kAzureApiKey), api_key});
    } else {
      cfg.headers.push_back(Header{std::string(kAuthorization), std::string(kBearerPrefix) + api_key});
    }
  }
  if (p.auth == AuthStyle::kAzureKey && api_key.empty()) {
    const std::string token = text(*extra, "azure_ad_token", "extra.");
    if (!token.empty()) {
      check_header("azure_ad_token", token);
      cfg.secrets.push_back(token);
      cfg.headers.push_back(Header{std::string(kAuthorization), std::string(kBearerPrefix) + token});
    }
  }
  if (const std::string org = text(*extra, "organization", "extra."); !org.empty()) {
    check_header(kOrganization, org);
    cfg.headers.push_back(Header{std::string(kOrganization), org});
  }
  add_extra_headers(*extra, "headers", cfg);
  add_extra_headers(*extra, "extra_headers", cfg);
  return cfg;
}

}  // namespace llmgw::provider_openai

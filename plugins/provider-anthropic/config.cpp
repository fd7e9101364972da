#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

namespace llmgw::provider_anthropic {
namespace {

using rapidjson::Value;

/// A string member, "" when absent or null; throws when it has another type.
std::string text(const Value& obj, const char* name, const char* where = "") {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return {};
  if (!it->value.IsString()) throw ConfigError(std::string(where) + name + " must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

void check_value(std::string_view what, std::string_view value) {
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0')
      throw ConfigError(std::string(what) + " contains a line break or NUL");
}

void check_header(std::string_view name, std::string_view value) {
  if (name.empty()) throw ConfigError("extra header names must not be empty");
  for (unsigned char c : name)
    if (!token_char(c)) throw ConfigError("extra header name '" + std::string(name) + "' is not a valid HTTP token");
  check_value("the value of header '" + std::string(name) + "'", value);
}

bool is_auth_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "x-api-key") || iequals(name, "api-key");
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
    if (is_auth_header(name) && !value.empty()) cfg.secrets.push_back(value);
    // A header set here replaces the built-in one of the same name.
    std::erase_if(cfg.auth, [&](const Header& h) { return iequals(h.name, name); });
    std::erase_if(cfg.extra_headers, [&](const Header& h) { return iequals(h.name, name); });
    if (iequals(name, kVersionHeader)) {
      cfg.version = std::move(value);
      continue;
    }
    cfg.extra_headers.push_back(Header{std::move(name), std::move(value)});
  }
}

/// Checks and normalises api_base: http(s)://host…, no trailing slash, no trailing /v1.
std::string normalise_base(std::string base) {
  if (!base.starts_with("https://") && !base.starts_with("http://"))
    throw ConfigError("api_base must start with http:// or https://");
  for (unsigned char c : base)
    if (c <= ' ' || c == 0x7f) throw ConfigError("api_base must not contain spaces or control characters");
  while (base.ends_with('/')) base.pop_back();
  if (base.ends_with(kVersionPrefix)) base.resize(base.size() - kVersionPrefix.size());
  while (base.ends_with('/')) base.pop_back();
  const std::size_t scheme_end = base.find("://");
  if (scheme_end == std::string::npos || scheme_end + 3 >= base.size()) throw ConfigError("api_base has no host");
  return base;
}

int64_t max_tokens_of(const Value& extra) {
  auto it = extra.FindMember("max_tokens");
  if (it == extra.MemberEnd() || it->value.IsNull()) return kDefaultMaxTokens;
  if (!it->value.IsInt64() || it->value.GetInt64() < 1)
    throw ConfigError("extra.max_tokens must be a positive integer");
  return it->value.GetInt64();
}

}  // namespace

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) throw ConfigError("config is not a JSON object");

  const std::string provider = text(doc, "provider");
  if (!provider.empty() && provider != kProviderNames)
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  static const Value kNoExtra(rapidjson::kObjectType);
  const Value* extra = &kNoExtra;
  if (auto it = doc.FindMember("extra"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) throw ConfigError("extra must be an object");
    extra = &it->value;
  }

  Config cfg;
  std::string base = text(doc, "api_base");
  base = normalise_base(base.empty() ? std::string(kDefaultApiBase) : std::move(base));
  cfg.messages_url = base + std::string(kVersionPrefix) + std::string(kMessagesPath);
  cfg.count_tokens_url = base + std::string(kVersionPrefix) + std::string(kCountTokensPath);

  const std::string api_key = text(doc, "api_key");
  if (api_key.empty()) {
    warnings.push_back("no api_key set for anthropic; requests are sent without x-api-key");
  } else {
    check_value("api_key", api_key);
    cfg.secrets.push_back(api_key);
    cfg.auth.push_back(Header{std::string(kApiKeyHeader), api_key});
  }

  cfg.version = text(*extra, "anthropic_version", "extra.");
  if (cfg.version.empty()) cfg.version = kDefaultVersion;
  check_value("extra.anthropic_version", cfg.version);
  cfg.default_max_tokens = max_tokens_of(*extra);
  add_extra_headers(*extra, "headers", cfg);
  add_extra_headers(*extra, "extra_headers", cfg);
  return cfg;
}

}  // namespace llmgw::provider_anthropic

#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>

#include <rapidjson/document.h>

#include <algorithm>

namespace llmgw::provider_anthropic {
namespace {

using plugin_util::string_member;
using rapidjson::Value;

void add_extra_headers(const Value& extra, const char* key, Config& cfg) {
  plugin_util::for_each_header_member(extra, key, "extra.", [&](std::string name, std::string value) {
    if (plugin_util::is_auth_header(name) && !value.empty()) cfg.secrets.push_back(value);
    // A header set here replaces the built-in one of the same name.
    std::erase_if(cfg.auth, [&](const Header& h) { return iequals(h.name, name); });
    std::erase_if(cfg.extra_headers, [&](const Header& h) { return iequals(h.name, name); });
    if (iequals(name, kVersionHeader)) {
      cfg.version = std::move(value);
      cfg.version_is_header = true;
      return;
    }
    cfg.extra_headers.push_back(Header{std::move(name), std::move(value)});
  });
}

}  // namespace

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);

  const std::string provider = string_member(doc, "provider");
  if (!provider.empty() && provider != kProviderNames)
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const Value& extra = plugin_util::object_member(doc, "extra");

  Config cfg;
  std::string base = string_member(doc, "api_base");
  // No trailing /v1: it is part of every path.
  base = plugin_util::normalise_api_base(base.empty() ? std::string(kDefaultApiBase) : std::move(base), kVersionPrefix);
  cfg.messages_url = base + std::string(kVersionPrefix) + std::string(kMessagesPath);
  cfg.count_tokens_url = base + std::string(kVersionPrefix) + std::string(kCountTokensPath);

  const std::string api_key = string_member(doc, "api_key");
  if (api_key.empty()) {
    warnings.push_back("no api_key set for anthropic; requests are sent without x-api-key");
  } else {
    plugin_util::check_header_value("api_key", api_key);
    cfg.secrets.push_back(api_key);
    cfg.auth.push_back(Header{std::string(kApiKeyHeader), api_key});
  }

  cfg.version = string_member(extra, "anthropic_version", "extra.");
  if (cfg.version.empty()) cfg.version = kDefaultVersion;
  plugin_util::check_header_value("extra.anthropic_version", cfg.version);
  cfg.default_max_tokens = plugin_util::positive_int_member(extra, "max_tokens", kDefaultMaxTokens, "extra.");
  add_extra_headers(extra, "headers", cfg);
  add_extra_headers(extra, "extra_headers", cfg);
  return cfg;
}

}  // namespace llmgw::provider_anthropic

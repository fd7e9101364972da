#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>

#include <rapidjson/document.h>

#include <algorithm>

namespace llmgw::provider_gemini {
namespace {

using plugin_util::string_member;
using rapidjson::Value;

void add_extra_headers(const Value& extra, const char* key, Config& cfg) {
  plugin_util::for_each_header_member(extra, key, "extra.", [&](std::string name, std::string value) {
    if ((plugin_util::is_auth_header(name) || iequals(name, kApiKeyHeader)) && !value.empty())
      cfg.secrets.push_back(value);
    // A header set here replaces the built-in one of the same name.
    std::erase_if(cfg.auth, [&](const Header& h) { return iequals(h.name, name); });
    std::erase_if(cfg.extra_headers, [&](const Header& h) { return iequals(h.name, name); });
    cfg.extra_headers.push_back(Header{std::move(name), std::move(value)});
  });
}

/// "v1beta", "v1", "v1alpha": letters, digits, no slash.
void check_version(const std::string& v) {
  if (v.empty() || v.size() > 32) throw ConfigError("api_version must be a path segment such as v1beta");
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      throw ConfigError("api_version must be a path segment such as v1beta");
}

}  // namespace

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);

  const std::string provider = string_member(doc, "provider");
  if (!provider.empty() && provider != kProviderNames)
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const Value& extra = plugin_util::object_member(doc, "extra");

  std::string version = string_member(doc, "api_version");
  if (version.empty()) version = std::string(kVersionPrefix.substr(1));
  check_version(version);

  Config cfg;
  std::string base = string_member(doc, "api_base");
  // No trailing /v1beta (or the configured version): it is part of every path.
  base = plugin_util::normalise_api_base(base.empty() ? std::string(kDefaultApiBase) : std::move(base), "/" + version);
  cfg.models_url = base + "/" + version + std::string(kModelsPath);

  const std::string api_key = string_member(doc, "api_key");
  if (api_key.empty()) {
    warnings.push_back("no api_key set for gemini; requests are sent without x-goog-api-key");
  } else {
    plugin_util::check_header_value("api_key", api_key);
    cfg.secrets.push_back(api_key);
    cfg.auth.push_back(Header{std::string(kApiKeyHeader), api_key});
  }
  add_extra_headers(extra, "headers", cfg);
  add_extra_headers(extra, "extra_headers", cfg);
  return cfg;
}

}  // namespace llmgw::provider_gemini

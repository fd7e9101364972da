#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>

#include <algorithm>

namespace llmgw::provider_cohere {

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);
  const std::string provider = plugin_util::string_member(doc, "provider");
  if (!provider.empty() && provider != "cohere" && provider != "cohere_chat")
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  Config cfg;
  std::string base = plugin_util::string_member(doc, "api_base");
  base = plugin_util::normalise_api_base(base.empty() ? std::string(kDefaultApiBase) : std::move(base), "/v2");
  cfg.chat_url = base + std::string(kChatPath);
  const std::string key = plugin_util::string_member(doc, "api_key");
  if (key.empty()) {
    warnings.push_back("no api_key set for cohere; requests are sent without Authorization");
  } else {
    plugin_util::check_header_value("api_key", key);
    cfg.secrets.push_back(key);
    cfg.headers.push_back(Header{"authorization", "Bearer " + key});
  }
  const rapidjson::Value& extra = plugin_util::object_member(doc, "extra");
  for (const char* k : {"headers", "extra_headers"}) {
    plugin_util::for_each_header_member(extra, k, "extra.", [&](std::string name, std::string value) {
      if (plugin_util::is_auth_header(name) && !value.empty()) cfg.secrets.push_back(value);
      std::erase_if(cfg.headers, [&](const Header& h) { return iequals(h.name, name); });
      cfg.headers.push_back(Header{std::move(name), std::move(value)});
    });
  }
  return cfg;
}

}  // namespace llmgw::provider_cohere

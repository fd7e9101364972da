#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>
#include <plugin_util/extra_headers.hpp>

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
  cfg.embed_url = base + std::string(kEmbedPath);
  const std::string key = plugin_util::string_member(doc, "api_key");
  if (key.empty()) {
    warnings.push_back("no api_key set for cohere; requests are sent without Authorization");
  } else {
    plugin_util::check_header_value("api_key", key);
    cfg.secrets.push_back(key);
    cfg.headers.push_back(Header{"authorization", "Bearer " + key});
  }
  const rapidjson::Value& extra = plugin_util::object_member(doc, "extra");
  plugin_util::merge_extra_headers(extra, cfg.headers, cfg.secrets);
  cfg.input_type = plugin_util::string_member(extra, "input_type", "extra.");
  if (cfg.input_type.empty()) cfg.input_type = std::string(kDefaultInputType);
  if (std::find(std::begin(kInputTypes), std::end(kInputTypes), cfg.input_type) == std::end(kInputTypes))
    throw ConfigError("extra.input_type must be search_document, search_query, classification or clustering");
  return cfg;
}

}  // namespace llmgw::provider_cohere

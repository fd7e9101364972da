#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>
#include <plugin_util/extra_headers.hpp>

#include <algorithm>

namespace llmgw::provider_mistral {

Config parse_config(std::string_view json, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);
  const std::string provider = plugin_util::string_member(doc, "provider");
  if (!provider.empty() && provider != kProviderNames)
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const rapidjson::Value& extra = plugin_util::object_member(doc, "extra");

  Config cfg;
  std::string base = plugin_util::string_member(doc, "api_base");
  base = plugin_util::normalise_api_base(base.empty() ? std::string(kDefaultApiBase) : std::move(base), kVersionPrefix);
  cfg.chat_url = base + std::string(kVersionPrefix) + std::string(kChatPath);
  cfg.embeddings_url = base + std::string(kVersionPrefix) + std::string(kEmbeddingsPath);

  const std::string key = plugin_util::string_member(doc, "api_key");
  if (key.empty()) {
    warnings.push_back("no api_key set for mistral; requests are sent without Authorization");
  } else {
    plugin_util::check_header_value("api_key", key);
    cfg.secrets.push_back(key);
    cfg.headers.push_back(Header{"authorization", "Bearer " + key});
  }
  if (const rapidjson::Value* sp = plugin_util::present_member(extra, "safe_prompt")) {
    if (!sp->IsBool()) throw ConfigError("extra.safe_prompt must be a boolean");
    cfg.safe_prompt = sp->GetBool();
  }
  plugin_util::merge_extra_headers(extra, cfg.headers, cfg.secrets);
  return cfg;
}

}  // namespace llmgw::provider_mistral

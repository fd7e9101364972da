#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>
#include <plugin_util/extra_headers.hpp>

#include <algorithm>

namespace llmgw::provider_ollama {

Config parse_config(std::string_view json, std::vector<std::string>&) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);
  const std::string provider = plugin_util::string_member(doc, "provider");
  if (!provider.empty() && provider != "ollama" && provider != "ollama_chat")
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const rapidjson::Value& extra = plugin_util::object_member(doc, "extra");

  Config cfg;
  std::string base = plugin_util::string_member(doc, "api_base");
  base = plugin_util::normalise_api_base(base.empty() ? std::string(kDefaultApiBase) : std::move(base), "/api");
  cfg.chat_url = base + std::string(kChatPath);
  cfg.embed_url = base + std::string(kEmbedPath);
  const std::string key = plugin_util::string_member(doc, "api_key");
  if (!key.empty()) {
    plugin_util::check_header_value("api_key", key);
    cfg.secrets.push_back(key);
    cfg.headers.push_back(Header{"authorization", "Bearer " + key});
  }
  if (const rapidjson::Value* ka = plugin_util::present_member(extra, "keep_alive")) {
    if (ka->IsString()) {
      const std::string v(ka->GetString(), ka->GetStringLength());
      for (char c : v)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '-'))
          throw ConfigError("extra.keep_alive must look like \"5m\", \"1h\" or \"-1\"");
      cfg.keep_alive_json = "\"" + v + "\"";
    } else if (ka->IsInt64()) {
      cfg.keep_alive_json = std::to_string(ka->GetInt64());
    }
    else throw ConfigError("extra.keep_alive must be a string (\"5m\") or a number of seconds");
  }
  cfg.num_ctx = plugin_util::positive_int_member(extra, "num_ctx", 0, "extra.");
  plugin_util::merge_extra_headers(extra, cfg.headers, cfg.secrets);
  return cfg;
}

}  // namespace llmgw::provider_ollama

#include "config.hpp"

#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/config_json.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <fstream>
#include <sstream>

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

/// The service-account key: JSON text, or the path of a file holding it.
std::string credentials_text(const std::string& value) {
  if (value.empty())
    throw ConfigError("vertex_ai needs vertex_credentials: a service-account key (its JSON, or the path of its file)");
  if (value.front() == '{') return value;
  std::ifstream in(value, std::ios::binary);
  if (!in) throw ConfigError("vertex_credentials: cannot read the file '" + value + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) throw ConfigError("vertex_credentials: the file '" + value + "' is over 1 MiB");
  return text.str();
}

/// Letters, digits, '-' (project ids and locations go into the host and the path).
void check_segment(const char* what, const std::string& v) {
  if (v.empty() || v.size() > 64) throw ConfigError(std::string(what) + " must be a non-empty id of at most 64 characters");
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      throw ConfigError(std::string(what) + " '" + v + "' may hold only letters, digits, '-' and '_'");
}

/// The Messages codec's config for vertex_ai/claude-…: Vertex's anthropic_version, the
/// deployment's extra.max_tokens (the default for requests that set none) when given. No key and
/// no URL: the Bearer token and the URL are provider-gemini's.
std::shared_ptr<const provider_anthropic::Config> claude_config(const Value& extra) {
  rapidjson::Document c(rapidjson::kObjectType);
  auto& a = c.GetAllocator();
  c.AddMember("provider", "anthropic", a);
  Value e(rapidjson::kObjectType);
  e.AddMember("anthropic_version", rapidjson::StringRef(kVertexAnthropicVersion.data(), kVertexAnthropicVersion.size()), a);
  if (const auto it = extra.FindMember("max_tokens"); it != extra.MemberEnd()) e.AddMember("max_tokens", Value(it->value, a), a);
  c.AddMember("extra", e, a);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  c.Accept(w);
  std::vector<std::string> ignored;  // "no api_key": Vertex takes the Bearer token instead
  auto cfg = std::make_shared<provider_anthropic::Config>(provider_anthropic::parse_config({buf.GetString(), buf.GetSize()}, ignored));
  cfg->auth.clear();
  return cfg;
}

/// The Mistral codec's config for vertex_ai/mistral-…: extra.safe_prompt when given. No key and no
/// URL: the Bearer token and the URL are provider-gemini's; the deployment's secrets are scrubbed
/// from Mistral's error messages too.
std::shared_ptr<const provider_mistral::Config> mistral_config(const Value& extra, const std::vector<std::string>& secrets) {
  rapidjson::Document c(rapidjson::kObjectType);
  auto& a = c.GetAllocator();
  c.AddMember("provider", "mistral", a);
  Value e(rapidjson::kObjectType);
  if (const auto it = extra.FindMember("safe_prompt"); it != extra.MemberEnd()) e.AddMember("safe_prompt", Value(it->value, a), a);
  c.AddMember("extra", e, a);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  c.Accept(w);
  std::vector<std::string> ignored;  // "no api_key": Vertex takes the Bearer token instead
  auto cfg = std::make_shared<provider_mistral::Config>(provider_mistral::parse_config({buf.GetString(), buf.GetSize()}, ignored));
  cfg->headers.clear();
  cfg->chat_url.clear();
  cfg->embeddings_url.clear();
  cfg->secrets = secrets;
  return cfg;
}

Config parse_vertex_config(const rapidjson::Document& doc, const Value& extra, const llmgw::Host* host,
                           std::vector<std::string>& warnings) {
  Config cfg;
  std::string key_text;
  if (const auto it = extra.FindMember("vertex_credentials"); it != extra.MemberEnd() && it->value.IsObject()) {
    rapidjson::StringBuffer buf;  // written as a YAML mapping in the config
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    it->value.Accept(w);
    key_text.assign(buf.GetString(), buf.GetSize());
  } else if (std::string given = string_member(extra, "vertex_credentials"); !given.empty()) {
    key_text = credentials_text(given);
  } else if (std::string adc; host && host->secret("os.environ/GOOGLE_APPLICATION_CREDENTIALS", adc) && !adc.empty()) {
    key_text = credentials_text(adc);  // Application Default Credentials' key file, as LiteLLM falls back to
  }
  std::optional<ServiceAccount> account;
  if (!key_text.empty()) account = parse_service_account(key_text);
  else
    warnings.push_back("vertex_ai: no vertex_credentials and no GOOGLE_APPLICATION_CREDENTIALS; requests are sent without a "
                       "token (Vertex answers 401)");
  std::string project = string_member(extra, "vertex_project");
  if (project.empty() && account) project = account->project_id;
  check_segment("vertex_project", project);
  std::string location = string_member(extra, "vertex_location");
  if (location.empty()) location = std::string(kVertexDefaultLocation);
  check_segment("vertex_location", location);
  std::string version = string_member(doc, "api_version");
  if (version.empty()) version = std::string(kVertexVersion);
  check_version(version);
  std::string base = string_member(doc, "api_base");
  if (base.empty())
    base = location == "global" ? "https://aiplatform.googleapis.com" : "https://" + location + "-aiplatform.googleapis.com";
  base = plugin_util::normalise_api_base(std::move(base), "/" + version);
  const std::string location_url = base + "/" + version + "/projects/" + project + "/locations/" + location;
  cfg.models_url = location_url + "/publishers/google/models/";
  cfg.claude_url = location_url + "/publishers/anthropic/models/";
  cfg.open_models_url = location_url + std::string(kOpenModelsPath);
  cfg.claude = claude_config(extra);
  if (account) {
    cfg.secrets.push_back(account->private_key_pem);
    cfg.vertex = std::make_shared<VertexAuth>(std::move(*account));
  }
  cfg.vertex_ai = true;
  add_extra_headers(extra, "headers", cfg);
  add_extra_headers(extra, "extra_headers", cfg);
  cfg.mistral_url = location_url + "/publishers/mistralai/models/";
  cfg.mistral = mistral_config(extra, cfg.secrets);
  return cfg;
}

}  // namespace

bool is_vertex_claude(const Config& cfg, std::string_view model) { return cfg.claude && model.starts_with("claude"); }

bool is_vertex_mistral(const Config& cfg, std::string_view model) {
  if (!cfg.mistral || model.find('/') != std::string_view::npos) return false;
  for (const std::string_view prefix : kVertexMistralPrefixes)
    if (model.starts_with(prefix)) return true;
  return false;
}

bool is_vertex_open_model(const Config& cfg, std::string_view model) {
  return cfg.vertex_ai && model.find('/') != std::string_view::npos && !model.starts_with("google/");
}

Config parse_config(std::string_view json, std::vector<std::string>& warnings) { return parse_config(json, nullptr, warnings); }

Config parse_config(std::string_view json, const llmgw::Host* host, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);

  const std::string provider = string_member(doc, "provider");
  if (!provider.empty() && provider != kGeminiName && provider != kVertexName)
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const Value& extra = plugin_util::object_member(doc, "extra");
  if (provider == kVertexName) return parse_vertex_config(doc, extra, host, warnings);

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

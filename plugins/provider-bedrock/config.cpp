#include "config.hpp"

#include "wire.hpp"

#include <plugin_util/config_json.hpp>

#include <rapidjson/document.h>

#include <algorithm>

namespace llmgw::provider_bedrock {
namespace {

using plugin_util::string_member;
using rapidjson::Value;

/// LiteLLM credential sources that need an STS or file read: not for a pure codec.
constexpr const char* kUnsupportedSources[] = {"aws_profile_name", "aws_role_name", "aws_session_name",
                                               "aws_web_identity_token", "aws_sts_endpoint", "aws_external_id"};

/// `value`, else the first of `env` names the host resolves ("os.environ/NAME").
std::string or_env(std::string value, const Host& host, std::initializer_list<const char*> env) {
  for (const char* name : env) {
    if (!value.empty()) break;
    if (!host.secret(std::string("os.environ/") + name, value)) value.clear();
  }
  return value;
}

/// Region names are lower-case letters, digits and dashes (us-east-1, eu-central-2).
void check_region(const std::string& region) {
  if (region.empty() || region.size() > 32)
    throw ConfigError("aws_region_name is required (or AWS_REGION_NAME, AWS_REGION or AWS_DEFAULT_REGION in the environment)");
  for (char c : region)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      throw ConfigError("aws_region_name must be a region such as us-east-1");
}

/// Splits a normalised base URL into host (authority without a default port) and path.
void split_base(Config& cfg) {
  const std::size_t scheme_end = cfg.base_url.find("://") + 3;
  const std::size_t path_at = cfg.base_url.find('/', scheme_end);
  std::string authority = cfg.base_url.substr(scheme_end, path_at == std::string::npos ? std::string::npos : path_at - scheme_end);
  cfg.base_path = path_at == std::string::npos ? std::string() : cfg.base_url.substr(path_at);
  if (authority.find('@') != std::string::npos) throw ConfigError("api_base must not contain user information");
  if (cfg.base_url.find_first_of("?#") != std::string::npos) throw ConfigError("api_base must not contain a query or fragment");
  const bool https = cfg.base_url.starts_with("https://");
  if (https && authority.ends_with(":443")) authority.resize(authority.size() - 4);
  if (!https && authority.ends_with(":80")) authority.resize(authority.size() - 3);
  cfg.host = std::move(authority);
}

}  // namespace

std::string_view model_id(std::string_view model) noexcept {
  if (model.starts_with(kConverseRoute)) model.remove_prefix(kConverseRoute.size());
  return model;
}

Config parse_config(std::string_view json, const Host& host, std::vector<std::string>& warnings) {
  const rapidjson::Document doc = plugin_util::parse_config_object(json);
  const std::string provider = string_member(doc, "provider");
  if (!provider.empty() && provider != kProviderNames)
    throw ConfigError("unknown provider '" + provider + "' (serves: " + kProviderNames + ")");
  const std::string model = string_member(doc, "model");
  if (model.starts_with("invoke/") || model.starts_with("converse_like/"))
    throw ConfigError("provider-bedrock speaks the Converse API only (bedrock/<model> or bedrock/converse/<model>), not '" +
                      model.substr(0, model.find('/')) + "/'");
  const Value& extra = plugin_util::object_member(doc, "extra");
  for (const char* k : kUnsupportedSources)
    if (plugin_util::present_member(extra, k))
      throw ConfigError(std::string(k) + " is not supported by provider-bedrock: set aws_access_key_id and aws_secret_access_key "
                        "(and aws_session_token for temporary credentials)");

  Config cfg;
  cfg.api_key = string_member(doc, "api_key");
  cfg.region = or_env(string_member(extra, "aws_region_name", "extra."), host, {"AWS_REGION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION"});
  std::string base = string_member(doc, "api_base");
  if (base.empty()) base = string_member(extra, "aws_bedrock_runtime_endpoint", "extra.");
  if (base.empty()) {
    check_region(cfg.region);
    base = std::string(kEndpointPrefix) + cfg.region + std::string(kEndpointSuffix);
  } else if (!cfg.region.empty() || cfg.api_key.empty()) {
    check_region(cfg.region);
  }
  cfg.base_url = plugin_util::normalise_api_base(base);
  split_base(cfg);

  if (!cfg.api_key.empty()) {
    plugin_util::check_header_value("api_key", cfg.api_key);
    cfg.secrets.push_back(cfg.api_key);
  } else {
    cfg.access_key_id = or_env(string_member(extra, "aws_access_key_id", "extra."), host, {"AWS_ACCESS_KEY_ID"});
    cfg.secret_access_key = or_env(string_member(extra, "aws_secret_access_key", "extra."), host, {"AWS_SECRET_ACCESS_KEY"});
    cfg.session_token = or_env(string_member(extra, "aws_session_token", "extra."), host, {"AWS_SESSION_TOKEN"});
    if (cfg.access_key_id.empty() || cfg.secret_access_key.empty())
      throw ConfigError("provider-bedrock needs aws_access_key_id and aws_secret_access_key (or AWS_ACCESS_KEY_ID and "
                        "AWS_SECRET_ACCESS_KEY in the environment), or a Bedrock API key as api_key");
    for (char c : cfg.access_key_id)
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')))
        throw ConfigError("aws_access_key_id must be letters and digits");
    plugin_util::check_header_value("aws_session_token", cfg.session_token);
    cfg.secrets.push_back(cfg.secret_access_key);
    if (!cfg.session_token.empty()) cfg.secrets.push_back(cfg.session_token);
  }
  if (std::string t = string_member(extra, "input_type", "extra."); !t.empty()) {
    if (t != "search_document" && t != "search_query" && t != "classification" && t != "clustering")
      throw ConfigError("extra.input_type must be search_document, search_query, classification or clustering");
    cfg.embed_input_type = std::move(t);
  }
  for (const char* k : {"headers", "extra_headers"}) {
    plugin_util::for_each_header_member(extra, k, "extra.", [&](std::string name, std::string value) {
      if (iequals(name, "host") || iequals(name, "authorization") || (name.size() > 6 && iequals(name.substr(0, 6), "x-amz-")))
        throw ConfigError("extra." + std::string(k) + "." + name + " would break the request signature; it is set by provider-bedrock");
      std::erase_if(cfg.extra_headers, [&](const Header& h) { return iequals(h.name, name); });
      cfg.extra_headers.push_back(Header{std::move(name), std::move(value)});
    });
  }
  if (cfg.base_url.starts_with("http://") && !cfg.host.starts_with("127.0.0.1") && !cfg.host.starts_with("localhost") &&
      !cfg.host.starts_with("[::1]"))
    warnings.push_back("provider-bedrock: api_base is plain http; AWS credentials' signatures travel unencrypted");
  return cfg;
}

}  // namespace llmgw::provider_bedrock

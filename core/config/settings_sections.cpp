// LiteLLM's router_settings, general_settings, litellm_settings and environment_variables.
#include <cstdlib>

#include "config/litellm_keys.hpp"
#include "config/secrets.hpp"
#include "config/sections.hpp"

namespace llmgw::config::detail {
namespace {

/// model_group_alias values: "target" or {model: target, hidden: bool} (LiteLLM accepts both).
std::string alias_target(Reader& r, const Entry& e, const std::string& path) {
  if (!e.value.IsMap()) return r.required_string(e, path);
  std::string target;
  for (const Entry& f : r.entries(e.value, e.at, path)) {
    const std::string p = join(path, f.key);
    if (f.key == "model") {
      target = r.required_string(f, p);
    } else if (f.key == "hidden") {
      r.not_supported(f, p);
    } else {
      r.unknown_key(f, p);
    }
  }
  if (target.empty()) r.fail(e.at, join(path, "model"), "required key is missing");
  return target;
}

}  // namespace

void parse_fallbacks(Reader& r, const Entry& e, const std::string& path, Config& out) {
  // LiteLLM writes [{"alias": ["fallback", ...]}, ...]; a plain mapping is accepted too.
  auto add = [&](const Entry& item, const std::string& p) {
    if (!item.value.IsSequence()) r.fail(item.at, p, "expected a list of model names");
    auto& chain = out.fallbacks[item.key];
    chain.clear();
    for (std::size_t i = 0; i < item.value.size(); ++i) {
      const YAML::Node& n = item.value[i];
      if (!n.IsScalar()) r.fail(n, p + "[" + std::to_string(i) + "]", "expected a model name");
      chain.push_back(n.Scalar());
    }
  };
  if (e.value.IsMap()) {
    for (const Entry& item : r.entries(e.value, e.at, path)) add(item, join(path, item.key));
    return;
  }
  if (!e.value.IsSequence()) r.fail(e.at, path, "expected a list of {model: [fallbacks]} mappings");
  for (std::size_t i = 0; i < e.value.size(); ++i) {
    const std::string p = path + "[" + std::to_string(i) + "]";
    const YAML::Node& m = e.value[i];
    if (!m.IsMap()) r.fail(m, p, "expected a mapping {model: [fallbacks]}");
    for (const Entry& item : r.entries(m, m, p)) add(item, join(p, item.key));
  }
}

void parse_router_settings(Reader& r, const Entry& router, Config& out,
                           std::vector<AliasRef>& aliases) {
  const std::string path = "router_settings";
  for (const Entry& e : r.entries(router.value, router.at, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "model_group_alias") {
      for (const Entry& a : r.entries(e.value, e.at, p)) {
        std::string target = alias_target(r, a, join(p, a.key));
        aliases.push_back(AliasRef{a.key, target, a.at});
        out.model_group_alias[a.key] = std::move(target);
      }
    } else if (e.key == "fallbacks") {
      parse_fallbacks(r, e, p, out);
    } else if (e.key == "allowed_fails") {
      r.read(e, p, out.allowed_fails, 1, 1'000'000);
    } else if (e.key == "cooldown_time") {
      r.read(e, p, out.cooldown_time_s, true);
    } else if (litellm_defines(Section::router_settings, e.key)) {
      r.not_supported(e, p);
    } else {
      r.unknown_key(e, p);
    }
  }
}

void parse_general_settings(Reader& r, const Entry& general, Config& out) {
  const std::string path = "general_settings";
  for (const Entry& e : r.entries(general.value, general.at, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "master_key") {
      std::string key;
      r.read(e, p, key, MissingSecret::fail);
      // An explicit but empty key would silently disable auth: say so instead.
      if (key.empty()) r.fail(e.at, p, "is empty; remove the key to run without authentication");
      out.master_key = std::move(key);
    } else if (litellm_defines(Section::general_settings, e.key)) {
      r.not_supported(e, p);
    } else {
      r.unknown_key(e, p);
    }
  }
}

void parse_litellm_settings(Reader& r, const Entry& litellm, Config& out) {
  const std::string path = "litellm_settings";
  for (const Entry& e : r.entries(litellm.value, litellm.at, path)) {
    if (e.key == "fallbacks") parse_fallbacks(r, e, join(path, e.key), out);
    else r.not_supported(e, join(path, e.key));
  }
}

void apply_environment_variables(Reader& r, const Entry& variables) {
  const std::string path = "environment_variables";
  for (const Entry& e : r.entries(variables.value, variables.at, path)) {
    const std::string p = join(path, e.key);
    if (!is_valid_env_name(e.key)) r.fail(e.at, p, "is not a valid environment variable name");
    if (!e.value.IsScalar()) r.fail(e.at, p, "expected a single value");
    // The value is taken literally (no os.environ/ lookup) and never appears in a message.
    if (::setenv(e.key.c_str(), e.value.Scalar().c_str(), 1) != 0) {
      r.fail(e.at, p, "could not be set");
    }
  }
}

}  // namespace llmgw::config::detail

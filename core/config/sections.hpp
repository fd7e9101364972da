// The top-level sections of a config file other than model_list, one parser each.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace llmgw::config::detail {

/// router_settings.model_group_alias entry, kept to check its target once model_list is read.
struct AliasRef {
  std::string alias;
  std::string target;
  YAML::Node at;
};

void parse_server(Reader& r, const Entry& server, ServerSettings& out);
void parse_log_level(Reader& r, const Entry& log_level, std::string& out);

/// plugins.dirs (made absolute against `base_dir`) and plugins.load (names, or paths made absolute).
void parse_plugins(Reader& r, const Entry& plugins, const std::filesystem::path& base_dir,
                   Config& out);

/// sinks: [name | {plugin, config, aliases, keys, teams, queue_size, include_bodies}] (config/sinks_section.cpp).
void parse_sinks(Reader& r, const Entry& sinks, Config& out);

/// A mapping as a JSON object (plugin `config:`, routing_strategy_args); a non-mapping fails.
std::string mapping_json(Reader& r, const Entry& e, const std::string& path);
/// guardrails: [{plugin, models, keys, teams, phases}] in the order they run.
void parse_guardrails(Reader& r, const Entry& guardrails, Config& out);

/// A guardrails: or sinks: entry's `keys:` (`what`: "virtual key names") or `teams:` ("team ids"):
/// a non-empty list of non-empty strings (config/scope_lists.cpp). A null value is no list.
std::vector<std::string> scope_names(Reader& r, const Entry& e, const std::string& path, std::string_view what);
/// A warning per guardrails:/sinks: entry with keys: or teams: when no database_url is set: no
/// virtual key exists, so the entry applies to nothing.
void warn_scopes_without_keys(const std::string& file, Config& cfg);

void parse_router_settings(Reader& r, const Entry& router, Config& out, std::vector<AliasRef>& aliases);

/// general_settings.master_key: a missing os.environ variable is an error, never "no auth".
void parse_general_settings(Reader& r, const Entry& general, Config& out);

/// One "not supported yet" warning per key.
/// litellm_settings: `fallbacks` is read (as in router_settings); every other key is reported.
void parse_litellm_settings(Reader& r, const Entry& litellm, Config& out);
/// A fallbacks value: [{alias: [fallback, ...]}, ...] or {alias: [...]}.
void parse_fallbacks(Reader& r, const Entry& e, const std::string& path,
                     std::map<std::string, std::vector<std::string>>& out);

/// Sets each variable in the process environment (overwriting), as LiteLLM does, so that
/// os.environ/NAME references anywhere in the file can use them. Not thread-safe (setenv):
/// load configs before starting threads.
void apply_environment_variables(Reader& r, const Entry& variables);

}  // namespace llmgw::config::detail

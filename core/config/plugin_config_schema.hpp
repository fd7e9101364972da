// A plugin's `config:` checked against the JSON Schema the plugin ships beside its module:
// <dir>/<name>.so → <dir>/<name>.config.schema.json (installed with it; a plugin without one is
// not checked). Runs at start-up and at --check-config, right after the module is loaded and
// before any create(), so a wrong key or value is named with the config file, the line of the
// offending entry and its JSON pointer, instead of the plugin's own one-line error.
#pragma once

#include <cstddef>
#include <string>

#include "config/config.hpp"

namespace llmgw::config {

/// The schema file a plugin module ships: `plugin_file` with ".so" replaced by ".config.schema.json".
std::string schema_file_of(const std::string& plugin_file);

/// Checks plugins.load[index]'s `config:` (when it has one) against the schema beside
/// `plugin_file` (when there is one). Throws ConfigError
/// "FILE:LINE: plugins.load[2].config/detectors/us_ssn: must be one of: redact, mask, ...
///  (guardrail-pii.config.schema.json)", or naming the schema file when it is not JSON.
void check_plugin_config(const Config& cfg, std::size_t index, const std::string& plugin_file);

/// Same for sinks[index]'s own `config:` against `plugin_file`'s schema.
void check_sink_config(const Config& cfg, std::size_t index, const std::string& plugin_file);

}  // namespace llmgw::config

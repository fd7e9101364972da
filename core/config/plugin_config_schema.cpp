#include "config/plugin_config_schema.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/json_pointer_lines.hpp"
#include "config/json_schema_check.hpp"

namespace llmgw::config {
namespace {

namespace fs = std::filesystem;

/// Schemas are a few KB; a file past this is not one.
constexpr std::uintmax_t kMaxSchemaBytes = 1 << 20;

void check(const Config& cfg, const std::string& what, const std::string& config_json, const JsonPointerLines& lines,
           int entry_line, const std::string& plugin_file) {
  if (lines.empty()) return;  // the entry has no config: of its own
  const std::string schema_file = schema_file_of(plugin_file);
  std::error_code ec;
  if (!fs::is_regular_file(schema_file, ec)) return;  // the plugin ships no schema
  const std::string schema_name = fs::path(schema_file).filename().string();
  const std::string file = cfg.source_path.empty() ? std::string("config") : cfg.source_path;
  if (fs::file_size(schema_file, ec) > kMaxSchemaBytes)
    throw ConfigError(schema_file + ": larger than 1 MB; not a config schema");
  std::ifstream in(schema_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw ConfigError(schema_file + ": cannot be read");
  std::optional<SchemaViolation> v;
  try {
    v = check_against_schema(text.str(), config_json);
  } catch (const std::exception& e) {
    throw ConfigError(schema_file + ": " + e.what());
  }
  if (!v) return;
  int line = line_of(lines, v->pointer);
  if (line == 0) line = entry_line;
  throw ConfigError(file + ":" + std::to_string(line) + ": " + what + v->pointer + ": " + v->message + " (" + schema_name +
                    ")");
}

}  // namespace

std::string schema_file_of(const std::string& plugin_file) {
  fs::path p(plugin_file);
  if (p.extension() == ".so") p.replace_extension();
  return p.string() + ".config.schema.json";
}

void check_plugin_config(const Config& cfg, std::size_t index, const std::string& plugin_file) {
  if (index >= cfg.plugins.size()) return;
  const PluginSpec& spec = cfg.plugins[index];
  check(cfg, "plugins.load[" + std::to_string(index) + "].config", spec.config_json, spec.config_lines, spec.line,
        plugin_file);
}

void check_sink_config(const Config& cfg, std::size_t index, const std::string& plugin_file) {
  if (index >= cfg.sinks.size()) return;
  const SinkSpec& spec = cfg.sinks[index];
  check(cfg, "sinks[" + std::to_string(index) + "].config", spec.config_json, spec.config_lines, spec.line, plugin_file);
}

}  // namespace llmgw::config

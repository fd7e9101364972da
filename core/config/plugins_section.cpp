// plugins: {dirs: [...], load: [name | path | {path: ..., config: {...}}]}
#include <string_view>

#include "config/json_pointer_lines.hpp"
#include "config/sections.hpp"
#include "config/yaml_json.hpp"

namespace llmgw::config::detail {
namespace {

namespace fs = std::filesystem;

std::string absolute_in(const fs::path& base_dir, const std::string& text) {
  fs::path p(text);
  if (p.is_relative()) p = base_dir / p;
  p = p.lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p.string();
}

/// A bare name ("provider-openai") stays as written, for the plugin loader's search; anything
/// that looks like a file (has a "/" or ends in ".so") is made absolute against the config folder.
std::string plugin_path(const fs::path& base_dir, const std::string& text) {
  const bool is_file = text.find('/') != std::string::npos || std::string_view(text).ends_with(".so");
  return is_file ? absolute_in(base_dir, text) : text;
}

/// A list of strings, or one string as a list of one.
std::vector<std::string> string_list(Reader& r, const Entry& e, const std::string& path) {
  std::vector<std::string> out;
  if (!e.value.IsDefined() || e.value.IsNull()) return out;
  if (e.value.IsScalar()) {
    out.push_back(r.required_string(e, path));
    return out;
  }
  if (!e.value.IsSequence()) r.fail(e.at, path, "expected a list of folders");
  std::size_t i = 0;
  for (const auto& node : e.value) {
    const std::string p = item(path, i++);
    Entry element{"", node, node};
    out.push_back(r.required_string(element, p));
  }
  return out;
}

void parse_load_item(Reader& r, const YAML::Node& node, const std::string& path,
                     const fs::path& base_dir, Config& out) {
  PluginSpec spec;
  spec.line = node.Mark().line + 1;
  if (node.IsMap()) {
    bool has_path = false;
    for (const Entry& e : r.entries(node, node, path)) {
      const std::string p = join(path, e.key);
      if (e.key == "path") {
        spec.path = plugin_path(base_dir, r.required_string(e, p));
        has_path = true;
      } else if (e.key == "config") {
        spec.config_json = mapping_json(r, e, p);
        spec.config_lines = json_pointer_lines(r, e, p);
      } else {
        r.unknown_key(e, p);
      }
    }
    if (!has_path) r.fail(node, join(path, "path"), "required key is missing");
  } else if (node.IsScalar()) {
    spec.path = plugin_path(base_dir, r.required_string(Entry{"", node, node}, path));
  } else {
    r.fail(node, path, "expected a plugin name, a path, or a mapping with path");
  }
  out.plugins.push_back(std::move(spec));
}

}  // namespace

void parse_plugins(Reader& r, const Entry& plugins, const fs::path& base_dir, Config& out) {
  const std::string path = "plugins";
  for (const Entry& e : r.entries(plugins.value, plugins.at, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "dirs") {
      for (const auto& dir : string_list(r, e, p)) out.plugin_dirs.push_back(absolute_in(base_dir, dir));
    } else if (e.key == "load") {
      if (e.value.IsNull()) continue;
      if (!e.value.IsSequence()) r.fail(e.at, p, "expected a list of plugins");
      std::size_t i = 0;
      for (const auto& node : e.value) parse_load_item(r, node, item(p, i++), base_dir, out);
    } else {
      r.unknown_key(e, p);
    }
  }
}

}  // namespace llmgw::config::detail

#include "loader/plugin_path.hpp"

#include "loader/registry.hpp"

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace llmgw::loader {

namespace detail {

namespace {

fs::path from_base(const fs::path& p, const std::string& base_dir) {
  if (p.is_absolute() || base_dir.empty()) return p;
  return fs::path(base_dir) / p;
}

// The canonical path of a regular file, or empty when there is none.
std::string existing_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return {};
  const fs::path canonical = fs::canonical(p, ec);
  return ec ? fs::absolute(p, ec).lexically_normal().string() : canonical.string();
}

}  // namespace

std::string file_label(const std::string& path_or_name) {
  std::string name = fs::path(path_or_name).filename().string();
  if (name.size() > 3 && name.ends_with(".so")) name.resize(name.size() - 3);
  return name;
}

std::string resolve_plugin_path(const std::string& ref, const std::string& base_dir,
                                const std::vector<std::string>& search_dirs) {
  const std::string label = "plugin " + file_label(ref);
  if (ref.empty()) throw PluginError("plugin: empty plugin name or path");

  if (ref.find('/') != std::string::npos) {
    const fs::path p = from_base(ref, base_dir);
    std::string found = existing_file(p);
    if (found.empty()) {
      std::error_code ec;
      throw PluginError(label + ": no such file " + fs::absolute(p, ec).lexically_normal().string());
    }
    return found;
  }

  const std::string file = ref.ends_with(".so") ? ref : ref + ".so";
  std::string searched;
  for (const std::string& dir : search_dirs) {
    const fs::path d = from_base(dir, base_dir);
    std::string found = existing_file(d / file);
    if (!found.empty()) return found;
    std::error_code ec;
    searched += (searched.empty() ? "" : ", ") + fs::absolute(d, ec).lexically_normal().string();
  }
  if (searched.empty()) searched = "no plugin directories configured";
  throw PluginError(label + ": no such file " + file + " (searched: " + searched + ")");
}

}  // namespace detail

std::string default_plugin_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return "lib/llmgw/plugins";
  return (exe.parent_path() / ".." / "lib" / "llmgw" / "plugins").lexically_normal().string();
}

}  // namespace llmgw::loader

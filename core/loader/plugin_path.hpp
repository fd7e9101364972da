// Where a plugin named in config lives on disk.
#pragma once

#include <string>
#include <vector>

namespace llmgw::loader::detail {

/// The file a plugin reference names, made canonical (symlinks resolved, so one library has one
/// path). `ref` containing a '/' is a path, relative ones taken from `base_dir`; otherwise it is
/// a bare name looked up as <dir>/<ref>.so (or <dir>/<ref> when it already ends in ".so") in
/// `search_dirs` in order, relative dirs again taken from `base_dir`. Throws PluginError
/// "plugin <name>: no such file <path> (searched: ...)".
std::string resolve_plugin_path(const std::string& ref, const std::string& base_dir,
                                const std::vector<std::string>& search_dirs);

/// The plugin's name as the file says it: "provider-x" for ".../provider-x.so".
std::string file_label(const std::string& path_or_name);

}  // namespace llmgw::loader::detail

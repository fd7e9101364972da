#include "loader/registry.hpp"

#include "loader/abi_check.hpp"
#include "loader/host_table.hpp"
#include "observe/counters.hpp"
#include "loader/plugin_path.hpp"

#include <boost/dll/shared_library.hpp>
#include <dlfcn.h>
#include <spdlog/spdlog.h>

namespace llmgw::loader {

namespace {

std::string who(std::string_view name, const std::string& path) {
  return "plugin " + std::string(name) + " (" + path + ")";
}

// Opens the library; RTLD_NOW so that a missing symbol fails here, not on the first request.
std::shared_ptr<boost::dll::shared_library> open_library(const std::string& label,
                                                         const std::string& path) {
  auto lib = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  ::dlerror();  // clear a stale message
  lib->load(boost::dll::fs::path(path),
            boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, ec);
  if (ec) {
    // Boost.DLL maps every dlopen failure to one error code; dlerror() still holds the reason.
    const char* reason = ::dlerror();
    throw PluginError(who(label, path) + ": cannot load: " + (reason ? reason : ec.message()));
  }
  return lib;
}

const llmgw_plugin* call_entry(const std::string& label, const std::string& path,
                               boost::dll::shared_library& lib) {
  if (!lib.has(LLMGW_PLUGIN_ENTRY_SYMBOL)) {
    throw PluginError(who(label, path) + ": no entry symbol " LLMGW_PLUGIN_ENTRY_SYMBOL
                                         " (not an llmgw plugin, or built with hidden visibility "
                                         "and no LLMGW_EXPORT)");
  }
  auto entry = lib.get<const llmgw_plugin*()>(LLMGW_PLUGIN_ENTRY_SYMBOL);
  const llmgw_plugin* descriptor = entry();
  if (descriptor == nullptr) {
    throw PluginError(who(label, path) + ": " LLMGW_PLUGIN_ENTRY_SYMBOL
                                         "() returned NULL: the plugin refused to load");
  }
  return descriptor;
}

}  // namespace

Registry::Registry() : Registry(nullptr) {}

Registry::Registry(observe::Counters* counters) : counters_(counters ? counters : &observe::counters()) {}

Registry::~Registry() = default;

const LoadedPlugin& Registry::load(const std::string& path_or_name, const std::string& base_dir,
                                   const std::vector<std::string>& search_dirs) {
  const std::string path = detail::resolve_plugin_path(path_or_name, base_dir, search_dirs);
  for (const auto& p : plugins_) {
    if (p->path == path) return *p;
  }
  const std::string label = detail::file_label(path);
  auto lib = open_library(label, path);
  const llmgw_plugin* d = call_entry(label, path, *lib);
  detail::check_plugin(*d, label, path);

  const std::string self = who(d->name, path);
  const KindInfo* kind = find_kind(d->kind);  // check_plugin refused kinds outside the table
  if (!kind->served)
    throw UnservedKindError(self + ": plugin kind " + kind->name +
                            " is not served by this gateway yet; remove it from plugins.load (nothing would run it)");
  if (auto other = find(d->name)) {
    throw PluginError(self + ": plugin name " + d->name + " is already used by " + other->path);
  }
  auto loaded = std::make_shared<LoadedPlugin>();
  loaded->kind = kind;
  if (kind->names) {
    loaded->names = detail::split_names(kind->names(d->vtable));
    for (const std::string& n : loaded->names) {
      if (auto other = serving(d->kind, n)) {
        throw PluginError(self + ": " + kind->name_noun + " " + n + " " + kind->clash_verb + " " +
                          std::string(other->name()) + " (" + other->path + ")");
      }
    }
  }
  loaded->path = path;
  loaded->descriptor = d;
  loaded->library = lib;
  loaded->host_context = std::make_shared<HostContext>(d->name, counters_);
  plugins_.push_back(loaded);

  std::string serves;
  for (const auto& n : loaded->names) serves += " " + n;
  spdlog::info("loaded {} plugin {} {} (ABI {}.{}{}{}) from {}", kind->name, d->name,
               d->version ? d->version : "?", d->abi_major, d->abi_minor,
               serves.empty() ? "" : ", serves:", serves, path);
  return *loaded;
}

std::shared_ptr<const LoadedPlugin> Registry::serving(int kind, std::string_view name) const {
  for (const auto& p : plugins_) {
    if (p->descriptor->kind != kind) continue;
    for (const std::string& n : p->names) {
      if (n == name) return p;
    }
  }
  return nullptr;
}

std::string Registry::known_names(int kind) const {
  std::string known;
  for (const auto& p : plugins_) {
    if (p->descriptor->kind != kind) continue;
    for (const auto& n : p->names) known += (known.empty() ? "" : ", ") + n;
  }
  return known.empty() ? "none" : known;
}

std::shared_ptr<const LoadedPlugin> Registry::find(std::string_view name) const {
  for (const auto& p : plugins_) {
    if (p->name() == name) return p;
  }
  return nullptr;
}

std::unique_ptr<llmgw_host> Registry::host_table(const LoadedPlugin& plugin) {
  return make_host_table(*plugin.host_context);
}

}  // namespace llmgw::loader

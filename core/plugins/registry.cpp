#include "plugins/registry.hpp"

#include "plugins/abi_check.hpp"
#include "plugins/host_table.hpp"
#include "plugins/plugin_counters.hpp"
#include "plugins/plugin_path.hpp"

#include <boost/dll/shared_library.hpp>
#include <dlfcn.h>
#include <spdlog/spdlog.h>

namespace llmgw::plugins {

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

Registry::Registry(PluginCounters* counters) : counters_(counters ? counters : &plugin_counters()) {}

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
  // Guardrail and sink plugins have no phase that runs them yet: loading one would let an
  // operator believe requests are screened or recorded when nothing calls it.
  if (d->kind != LLMGW_KIND_PROVIDER && d->kind != LLMGW_KIND_ROUTER)
    throw UnservedKindError(self + ": plugin kind " + detail::kind_name(d->kind) +
                      " is not served by this gateway yet; remove it from plugins.load (nothing would run it)");
  if (auto other = find(d->name)) {
    throw PluginError(self + ": plugin name " + d->name + " is already used by " + other->path);
  }
  auto loaded = std::make_shared<LoadedPlugin>();
  if (d->kind == LLMGW_KIND_PROVIDER) {
    loaded->provider_names =
        detail::split_names(static_cast<const llmgw_provider_vtable*>(d->vtable)->provider_names);
    for (const std::string& provider : loaded->provider_names) {
      if (auto other = provider_for(provider)) {
        throw PluginError(self + ": provider name " + provider + " is already served by plugin " +
                          std::string(other->name()) + " (" + other->path + ")");
      }
    }
  }
  if (d->kind == LLMGW_KIND_ROUTER) {
    loaded->strategy_names =
        detail::split_names(static_cast<const llmgw_router_vtable*>(d->vtable)->strategy_names);
    for (const std::string& strategy : loaded->strategy_names) {
      if (auto other = router_for(strategy)) {
        throw PluginError(self + ": routing strategy " + strategy + " is already implemented by plugin " +
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
  for (const auto& n : loaded->provider_names) serves += " " + n;
  for (const auto& n : loaded->strategy_names) serves += " " + n;
  spdlog::info("loaded {} plugin {} {} (ABI {}.{}{}{}) from {}", detail::kind_name(d->kind), d->name,
               d->version ? d->version : "?", d->abi_major, d->abi_minor,
               serves.empty() ? "" : ", serves:", serves, path);
  return *loaded;
}

std::shared_ptr<const LoadedPlugin> Registry::provider_for(std::string_view provider_name) const {
  for (const auto& p : plugins_) {
    for (const std::string& n : p->provider_names) {
      if (n == provider_name) return p;
    }
  }
  return nullptr;
}

std::shared_ptr<const LoadedPlugin> Registry::router_for(std::string_view strategy) const {
  for (const auto& p : plugins_) {
    for (const std::string& n : p->strategy_names) {
      if (n == strategy) return p;
    }
  }
  return nullptr;
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

}  // namespace llmgw::plugins

// Loads plugin libraries (Boost.DLL), checks their ABI, and hands out provider and router
// instances.
#pragma once

#include <llmgw/plugin.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::plugins {

struct HostContext;     // host_table.hpp
class PluginCounters;   // plugin_counters.hpp

/// A plugin that cannot be loaded or instantiated. what() is one line naming the plugin, the
/// path and, for version mismatches, both versions.
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A plugin of a kind this gateway does not run yet (guardrail, sink): refused, never loaded.
class UnservedKindError : public PluginError {
 public:
  using PluginError::PluginError;
};

/// One loaded library with its checked descriptor. Never unloaded while the registry lives.
struct LoadedPlugin {
  std::string path;                 // absolute path of the .so
  const llmgw_plugin* descriptor;   // checked: abi_major, signature, struct sizes, kind hooks
  std::shared_ptr<void> library;    // keeps the library loaded (type-erased boost::dll handle)
  std::shared_ptr<const HostContext> host_context;  // ctx of every llmgw_host handed to it
  std::vector<std::string> provider_names;          // providers only: split provider_names
  std::vector<std::string> strategy_names;          // routers only: split strategy_names
  std::string_view name() const { return descriptor->name; }
  const llmgw_provider_vtable* provider() const {
    return descriptor->kind == LLMGW_KIND_PROVIDER
               ? static_cast<const llmgw_provider_vtable*>(descriptor->vtable) : nullptr;
  }
  const llmgw_router_vtable* router() const {
    return descriptor->kind == LLMGW_KIND_ROUTER ? static_cast<const llmgw_router_vtable*>(descriptor->vtable)
                                                 : nullptr;
  }
};

/// A provider instance for one deployment; destroys the plugin instance on destruction.
class ProviderInstance {
 public:
  ProviderInstance(std::shared_ptr<const LoadedPlugin> plugin, void* instance,
                   std::unique_ptr<llmgw_host> host);
  ~ProviderInstance();
  ProviderInstance(const ProviderInstance&) = delete;
  ProviderInstance& operator=(const ProviderInstance&) = delete;

  const llmgw_provider_vtable& vtable() const { return *plugin_->provider(); }
  void* instance() const { return instance_; }
  const LoadedPlugin& plugin() const { return *plugin_; }
  bool has_stream() const;   // stream_open/feed/close/destroy all present and CAP_STREAM set

 private:
  std::shared_ptr<const LoadedPlugin> plugin_;
  void* instance_;
  std::unique_ptr<llmgw_host> host_;  // the host table handed to create(); outlives instance_
};

/// A router instance (one routing strategy); destroys the plugin instance on destruction.
/// pick() is the vtable's, called concurrently from request threads.
class RouterInstance {
 public:
  RouterInstance(std::shared_ptr<const LoadedPlugin> plugin, void* instance, std::unique_ptr<llmgw_host> host);
  ~RouterInstance();
  RouterInstance(const RouterInstance&) = delete;
  RouterInstance& operator=(const RouterInstance&) = delete;

  const llmgw_router_vtable& vtable() const { return *plugin_->router(); }
  void* instance() const { return instance_; }
  const LoadedPlugin& plugin() const { return *plugin_; }

 private:
  std::shared_ptr<const LoadedPlugin> plugin_;
  void* instance_;
  std::unique_ptr<llmgw_host> host_;  // the host table handed to create(); outlives instance_
};

class Registry {
 public:
  Registry();
  /// A registry whose plugins register their counters in `counters` (tests); the default is
  /// the process-wide plugin_counters().
  explicit Registry(PluginCounters* counters);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Loads `path_or_name`: a path (absolute or relative to `base_dir`) to a .so, or a bare
  /// name looked up as <name>.so in `search_dirs` in order. Throws PluginError.
  /// A library already loaded from the same (canonical) path is returned again, not reloaded.
  /// Loads with RTLD_LOCAL | RTLD_NOW. Not thread-safe: load everything at start-up.
  const LoadedPlugin& load(const std::string& path_or_name, const std::string& base_dir,
                           const std::vector<std::string>& search_dirs);

  /// The loaded provider plugin serving `provider_name` (a name in its provider_names), or null.
  std::shared_ptr<const LoadedPlugin> provider_for(std::string_view provider_name) const;

  /// Creates a provider instance from deployment config JSON. Throws PluginError naming the
  /// plugin and `what` (the deployment id) with the plugin's error line:
  /// "plugin provider-openai: deployment gpt-4o#0: <line>".
  std::unique_ptr<ProviderInstance> create_provider(std::string_view provider_name,
                                                    const std::string& config_json,
                                                    const std::string& what) const;

  /// The loaded router plugin implementing `strategy` (a name in its strategy_names), or null.
  std::shared_ptr<const LoadedPlugin> router_for(std::string_view strategy) const;

  /// Creates the router instance for `strategy` from its config JSON ({"strategy", "args"}).
  /// Throws PluginError "plugin router-builtin: routing_strategy least-busy: <line>", or, when
  /// no loaded plugin implements it, one naming the strategy and the known ones.
  std::unique_ptr<RouterInstance> create_router(std::string_view strategy, const std::string& config_json) const;

  const std::vector<std::shared_ptr<const LoadedPlugin>>& plugins() const { return plugins_; }

  /// The loaded plugin whose descriptor is named `name`, or null.
  std::shared_ptr<const LoadedPlugin> find(std::string_view name) const;

  /// A fresh host table for an instance of `plugin` (for create() of any kind). It must outlive
  /// that instance; its ctx is kept alive by `plugin`.
  static std::unique_ptr<llmgw_host> host_table(const LoadedPlugin& plugin);

 private:
  std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
  PluginCounters* counters_;
};

/// The default plugin search dir of an installed or built gateway: <exe_dir>/../lib/llmgw/plugins.
std::string default_plugin_dir();

}  // namespace llmgw::plugins

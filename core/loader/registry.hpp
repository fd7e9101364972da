// Loads plugin libraries (Boost.DLL), checks their ABI, and hands out instances, every kind
// through the one kind table (loader/kinds.hpp).
#pragma once

#include <llmgw/plugin.h>

#include "loader/kinds.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::loader {

struct HostContext;     // host_table.hpp
}  // namespace llmgw::loader
namespace llmgw::observe {
class Counters;  // observe/counters.hpp
}  // namespace llmgw::observe
namespace llmgw::loader {


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
  const KindInfo* kind;             // its row of the kind table (loader/kinds.hpp)
  std::shared_ptr<void> library;    // keeps the library loaded (type-erased boost::dll handle)
  std::shared_ptr<const HostContext> host_context;  // ctx of every llmgw_host handed to it
  /// The names it registers under its kind, split: provider_names for providers,
  /// strategy_names for routers; empty for kinds that register none.
  std::vector<std::string> names;
  std::string_view name() const { return descriptor->name; }
  const llmgw_provider_vtable* provider() const {
    return descriptor->kind == LLMGW_KIND_PROVIDER
               ? static_cast<const llmgw_provider_vtable*>(descriptor->vtable) : nullptr;
  }
  const llmgw_sink_vtable* sink() const {
    return descriptor->kind == LLMGW_KIND_SINK ? static_cast<const llmgw_sink_vtable*>(descriptor->vtable) : nullptr;
  }
  const llmgw_guardrail_vtable* guardrail() const {
    return descriptor->kind == LLMGW_KIND_GUARDRAIL
               ? static_cast<const llmgw_guardrail_vtable*>(descriptor->vtable) : nullptr;
  }
  const llmgw_router_vtable* router() const {
    return descriptor->kind == LLMGW_KIND_ROUTER ? static_cast<const llmgw_router_vtable*>(descriptor->vtable)
                                                 : nullptr;
  }
};

/// One plugin instance of any kind, made by the kind's create from config JSON; the kind's
/// destroy runs with the object (once for each successful create, even when the plugin left the
/// instance pointer NULL). Provider and router instances are typed views of it.
class Instance {
 public:
  Instance(std::shared_ptr<const LoadedPlugin> plugin, void* instance, std::unique_ptr<llmgw_host> host);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  void* instance() const { return instance_; }
  const LoadedPlugin& plugin() const { return *plugin_; }

 private:
  std::shared_ptr<const LoadedPlugin> plugin_;
  void* instance_;
  std::unique_ptr<llmgw_host> host_;  // the host table handed to create(); outlives instance_
};

/// A provider instance for one deployment.
class ProviderInstance final : public Instance {
 public:
  using Instance::Instance;
  const llmgw_provider_vtable& vtable() const { return *plugin().provider(); }
  bool has_stream() const;   // stream_open/feed/close/destroy all present and CAP_STREAM set
};

/// A router instance (one routing strategy). pick() is the vtable's, called concurrently from
/// the event loops.
class RouterInstance final : public Instance {
 public:
  using Instance::Instance;
  const llmgw_router_vtable& vtable() const { return *plugin().router(); }
};

/// A sink instance (one `sinks:` entry). emit and flush are called from its sink thread only.
class SinkInstance final : public Instance {
 public:
  using Instance::Instance;
  const llmgw_sink_vtable& vtable() const { return *plugin().sink(); }
};

/// A guardrail instance (one per plugin, from its plugins.load `config:`). check() and
/// stream_open() are called concurrently from the event loops.
class GuardrailInstance final : public Instance {
 public:
  using Instance::Instance;
  const llmgw_guardrail_vtable& vtable() const { return *plugin().guardrail(); }
  bool has_stream() const;   // stream_open/feed/close/destroy all present within struct_size
  bool has_calls() const;    // call_open/call_close present within struct_size (ABI 1.2)
};

class Registry {
 public:
  Registry();
  /// A registry whose plugins register their counters in `counters` (tests); the default is
  /// the process-wide counters().
  explicit Registry(observe::Counters* counters);
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Loads `path_or_name`: a path (absolute or relative to `base_dir`) to a .so, or a bare
  /// name looked up as <name>.so in `search_dirs` in order. Throws PluginError.
  /// A library already loaded from the same (canonical) path is returned again, not reloaded.
  /// Loads with RTLD_LOCAL | RTLD_NOW. Not thread-safe: load everything at start-up.
  const LoadedPlugin& load(const std::string& path_or_name, const std::string& base_dir,
                           const std::vector<std::string>& search_dirs);

  /// The loaded plugin of `kind` that registered `name` (a provider name, a strategy), or null.
  std::shared_ptr<const LoadedPlugin> serving(int kind, std::string_view name) const;

  /// The loaded provider plugin serving `provider_name` (a name in its provider_names), or null.
  std::shared_ptr<const LoadedPlugin> provider_for(std::string_view provider_name) const {
    return serving(LLMGW_KIND_PROVIDER, provider_name);
  }

  /// Creates a provider instance from deployment config JSON. Throws PluginError naming the
  /// plugin and `what` (the deployment id) with the plugin's error line:
  /// "plugin provider-openai: deployment gpt-4o#0: <line>".
  std::unique_ptr<ProviderInstance> create_provider(std::string_view provider_name,
                                                    const std::string& config_json,
                                                    const std::string& what) const;

  /// The loaded router plugin implementing `strategy` (a name in its strategy_names), or null.
  std::shared_ptr<const LoadedPlugin> router_for(std::string_view strategy) const {
    return serving(LLMGW_KIND_ROUTER, strategy);
  }

  /// Creates the router instance for `strategy` from its config JSON ({"strategy", "args"}).
  /// Throws PluginError "plugin router-builtin: routing_strategy least-busy: <line>", or, when
  /// no loaded plugin implements it, one naming the strategy and the known ones.
  std::unique_ptr<RouterInstance> create_router(std::string_view strategy, const std::string& config_json) const;

  /// Creates an instance of the loaded sink plugin whose descriptor is named `plugin_name`
  /// from `config_json`. Throws PluginError "plugin sink-x: sinks[0]: <line>", or one naming
  /// the loaded sinks when no sink plugin has that name.
  std::unique_ptr<SinkInstance> create_sink(std::string_view plugin_name, const std::string& config_json,
                                            const std::string& what) const;
  /// Creates the instance of the guardrail plugin named `plugin_name` (its descriptor name)
  /// from `config_json`. Throws PluginError "plugin guardrail-pii: guardrail: <line>", or, when
  /// no loaded guardrail plugin has that name, one naming the loaded ones.
  std::unique_ptr<GuardrailInstance> create_guardrail(std::string_view plugin_name, const std::string& config_json) const;

  const std::vector<std::shared_ptr<const LoadedPlugin>>& plugins() const { return plugins_; }

  /// The loaded plugin whose descriptor is named `name`, or null.
  std::shared_ptr<const LoadedPlugin> find(std::string_view name) const;

  /// A fresh host table for an instance of `plugin` (for create() of any kind). It must outlive
  /// that instance; its ctx is kept alive by `plugin`.
  static std::unique_ptr<llmgw_host> host_table(const LoadedPlugin& plugin);

 private:
  /// Runs `plugin`'s create with `config_json`; throws PluginError "plugin NAME: WHAT: <line>".
  template <class T>
  std::unique_ptr<T> create_instance(std::shared_ptr<const LoadedPlugin> plugin, const std::string& config_json,
                                     const std::string& what) const;
  /// The names of every loaded plugin of `kind`, comma-separated ("none" when there are none).
  std::string known_names(int kind) const;

  std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
  observe::Counters* counters_;
};

/// The default plugin search dir of an installed or built gateway: <exe_dir>/../lib/llmgw/plugins.
std::string default_plugin_dir();

}  // namespace llmgw::loader

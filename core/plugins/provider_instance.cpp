#include "plugins/abi_check.hpp"
#include "plugins/error_line.hpp"
#include "plugins/registry.hpp"

namespace llmgw::plugins {

ProviderInstance::ProviderInstance(std::shared_ptr<const LoadedPlugin> plugin, void* instance,
                                   std::unique_ptr<llmgw_host> host)
    : plugin_(std::move(plugin)), instance_(instance), host_(std::move(host)) {}

ProviderInstance::~ProviderInstance() {
  // Called once for each successful create, even when the plugin left *instance NULL.
  vtable().destroy(instance_);
}

bool ProviderInstance::has_stream() const {
  return (vtable().capabilities & LLMGW_CAP_STREAM) != 0 && detail::has_stream_hooks(vtable());
}

std::unique_ptr<ProviderInstance> Registry::create_provider(std::string_view provider_name,
                                                            const std::string& config_json,
                                                            const std::string& what) const {
  std::shared_ptr<const LoadedPlugin> plugin = provider_for(provider_name);
  if (!plugin) {
    std::string known;
    for (const auto& p : plugins_) {
      for (const auto& n : p->provider_names) known += (known.empty() ? "" : ", ") + n;
    }
    throw PluginError("deployment " + what + ": no loaded plugin serves provider '" + std::string(provider_name) +
                      "' (served: " + (known.empty() ? "none" : known) + ")");
  }
  std::unique_ptr<llmgw_host> host = host_table(*plugin);
  std::string error;
  const llmgw_writer error_writer = detail::error_writer(&error);
  void* instance = nullptr;
  const llmgw_status status = plugin->provider()->create(
      host.get(), llmgw_str{config_json.data(), config_json.size()}, &instance, &error_writer);
  if (status != LLMGW_OK) {
    error = detail::one_line(std::move(error), status);
    throw PluginError("plugin " + std::string(plugin->name()) + ": deployment " + what + ": " + error);
  }
  return std::make_unique<ProviderInstance>(std::move(plugin), instance, std::move(host));
}

}  // namespace llmgw::plugins

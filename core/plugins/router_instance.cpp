#include "plugins/error_line.hpp"
#include "plugins/registry.hpp"

namespace llmgw::plugins {

RouterInstance::RouterInstance(std::shared_ptr<const LoadedPlugin> plugin, void* instance,
                               std::unique_ptr<llmgw_host> host)
    : plugin_(std::move(plugin)), instance_(instance), host_(std::move(host)) {}

RouterInstance::~RouterInstance() {
  // Called once for each successful create, even when the plugin left *instance NULL.
  vtable().destroy(instance_);
}

std::unique_ptr<RouterInstance> Registry::create_router(std::string_view strategy,
                                                        const std::string& config_json) const {
  std::shared_ptr<const LoadedPlugin> plugin = router_for(strategy);
  if (!plugin) {
    std::string known;
    for (const auto& p : plugins_) {
      for (const auto& n : p->strategy_names) known += (known.empty() ? "" : ", ") + n;
    }
    throw PluginError("routing_strategy " + std::string(strategy) + ": no loaded router plugin implements it (known: " +
                      (known.empty() ? "none" : known) + ")");
  }
  std::unique_ptr<llmgw_host> host = host_table(*plugin);
  std::string error;
  const llmgw_writer error_writer = detail::error_writer(&error);
  void* instance = nullptr;
  const llmgw_status status = plugin->router()->create(
      host.get(), llmgw_str{config_json.data(), config_json.size()}, &instance, &error_writer);
  if (status != LLMGW_OK) {
    throw PluginError("plugin " + std::string(plugin->name()) + ": routing_strategy " + std::string(strategy) +
                      ": " + detail::one_line(std::move(error), status));
  }
  return std::make_unique<RouterInstance>(std::move(plugin), instance, std::move(host));
}

}  // namespace llmgw::plugins

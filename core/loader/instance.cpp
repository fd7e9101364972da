// Instances of every kind: made by the kind's create (loader/kinds.hpp), destroyed by its destroy.
#include "loader/abi_check.hpp"
#include "loader/error_line.hpp"
#include "loader/registry.hpp"

namespace llmgw::loader {

Instance::Instance(std::shared_ptr<const LoadedPlugin> plugin, void* instance, std::unique_ptr<llmgw_host> host)
    : plugin_(std::move(plugin)), instance_(instance), host_(std::move(host)) {}

Instance::~Instance() { plugin_->kind->destroy(plugin_->descriptor->vtable)(instance_); }

bool ProviderInstance::has_stream() const {
  return (vtable().capabilities & LLMGW_CAP_STREAM) != 0 && detail::has_stream_hooks(vtable());
}

bool GuardrailInstance::has_stream() const {
  const llmgw_guardrail_vtable& vt = vtable();
  return LLMGW_HAS_MEMBER(&vt, llmgw_guardrail_vtable, stream_destroy) && vt.stream_open && vt.stream_feed &&
         vt.stream_close && vt.stream_destroy;
}

bool GuardrailInstance::has_calls() const {
  const llmgw_guardrail_vtable& vt = vtable();
  return LLMGW_HAS_MEMBER(&vt, llmgw_guardrail_vtable, call_close) && vt.call_open && vt.call_close;
}

template <class T>
std::unique_ptr<T> Registry::create_instance(std::shared_ptr<const LoadedPlugin> plugin, const std::string& config_json,
                                             const std::string& what) const {
  std::unique_ptr<llmgw_host> host = host_table(*plugin);
  std::string error;
  const llmgw_writer error_writer = detail::error_writer(&error);
  void* instance = nullptr;
  const llmgw_status status = plugin->kind->create(plugin->descriptor->vtable)(
      host.get(), llmgw_str{config_json.data(), config_json.size()}, &instance, &error_writer);
  if (status != LLMGW_OK)
    throw PluginError("plugin " + std::string(plugin->name()) + ": " + what + ": " +
                      detail::one_line(std::move(error), status));
  return std::make_unique<T>(std::move(plugin), instance, std::move(host));
}

std::unique_ptr<ProviderInstance> Registry::create_provider(std::string_view provider_name,
                                                            const std::string& config_json,
                                                            const std::string& what) const {
  std::shared_ptr<const LoadedPlugin> plugin = provider_for(provider_name);
  if (!plugin)
    throw PluginError("deployment " + what + ": no loaded plugin serves provider '" + std::string(provider_name) +
                      "' (served: " + known_names(LLMGW_KIND_PROVIDER) + ")");
  return create_instance<ProviderInstance>(std::move(plugin), config_json, "deployment " + what);
}

std::unique_ptr<RouterInstance> Registry::create_router(std::string_view strategy, const std::string& config_json) const {
  std::shared_ptr<const LoadedPlugin> plugin = router_for(strategy);
  if (!plugin)
    throw PluginError("routing_strategy " + std::string(strategy) +
                      ": no loaded router plugin implements it (known: " + known_names(LLMGW_KIND_ROUTER) + ")");
  return create_instance<RouterInstance>(std::move(plugin), config_json, "routing_strategy " + std::string(strategy));
}

std::unique_ptr<SinkInstance> Registry::create_sink(std::string_view plugin_name, const std::string& config_json,
                                                    const std::string& what) const {
  std::shared_ptr<const LoadedPlugin> plugin = find(plugin_name);
  if (!plugin || plugin->descriptor->kind != LLMGW_KIND_SINK) {
    std::string known;
    for (const auto& p : plugins_)
      if (p->descriptor->kind == LLMGW_KIND_SINK) known += (known.empty() ? "" : ", ") + std::string(p->name());
    throw PluginError(what + ": no loaded sink plugin is named '" + std::string(plugin_name) +
                      "' (loaded sinks: " + (known.empty() ? "none" : known) + "; add it under plugins.load)");
  }
  return create_instance<SinkInstance>(std::move(plugin), config_json, what);
}

std::unique_ptr<GuardrailInstance> Registry::create_guardrail(std::string_view plugin_name,
                                                              const std::string& config_json) const {
  std::shared_ptr<const LoadedPlugin> plugin = find(plugin_name);
  if (!plugin || plugin->descriptor->kind != LLMGW_KIND_GUARDRAIL) {
    std::string known;
    for (const auto& p : plugins())
      if (p->descriptor->kind == LLMGW_KIND_GUARDRAIL) known += (known.empty() ? "" : ", ") + std::string(p->name());
    throw PluginError("guardrail " + std::string(plugin_name) + ": no loaded guardrail plugin has that name (loaded: " +
                      (known.empty() ? std::string("none") : known) + ")");
  }
  return create_instance<GuardrailInstance>(std::move(plugin), config_json, "guardrail");
}

}  // namespace llmgw::loader

#include "guard/guard_setup.hpp"

#include <map>

namespace llmgw::guard {

std::unique_ptr<GuardChain> build_guard_chain(const config::Config& cfg, loader::Registry& registry) {
  if (cfg.guardrails.empty()) return nullptr;
  std::string base_dir = cfg.source_path.substr(0, cfg.source_path.find_last_of('/') + 1);
  if (base_dir.empty()) base_dir.assign(1, '.');
  std::vector<std::string> dirs = cfg.plugin_dirs;
  dirs.push_back(loader::default_plugin_dir());
  // The plugin's name → its config: (loading a path again returns the plugin already loaded).
  std::map<std::string, std::string, std::less<>> configs;
  for (const auto& spec : cfg.plugins) {
    const loader::LoadedPlugin& plugin = registry.load(spec.path, base_dir, dirs);
    configs[std::string(plugin.name())] = spec.config_json;
  }
  auto chain = std::make_unique<GuardChain>();
  for (const config::GuardrailSpec& spec : cfg.guardrails) {
    const auto it = configs.find(spec.plugin);
    GuardStep step;
    step.instance = registry.create_guardrail(spec.plugin, it != configs.end() ? it->second : std::string("{}"));
    step.name = spec.plugin;
    step.scope = config::EntryScope(spec.aliases, spec.keys, spec.teams);
    step.input = spec.input;
    step.output = spec.output;
    chain->add(std::move(step));
  }
  return chain;
}

}  // namespace llmgw::guard

#include "reload/runtime_builder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "config/plugin_config_schema.hpp"
#include "guard/guard_setup.hpp"
#include "loader/plugin_path.hpp"
#include "pricing/decimal_price.hpp"

namespace llmgw::reload {

void load_plugins(const config::Config& cfg, loader::Registry& registry,
                  std::map<std::string, std::string>& plugin_configs) {
  std::string base_dir = cfg.source_path.substr(0, cfg.source_path.find_last_of('/') + 1);
  if (base_dir.empty()) base_dir.assign(1, '.');
  std::vector<std::string> dirs = cfg.plugin_dirs;
  dirs.push_back(loader::default_plugin_dir());
  if (!cfg.plugins.empty()) {
    for (std::size_t i = 0; i < cfg.plugins.size(); ++i) {
      const auto& spec = cfg.plugins[i];
      const loader::LoadedPlugin& p = registry.load(spec.path, base_dir, dirs);
      config::check_plugin_config(cfg, i, p.path);  // against its config.schema.json, before any create()
      plugin_configs[std::string(p.name())] = spec.config_json;  // for sinks:
    }
    for (std::size_t i = 0; i < cfg.sinks.size(); ++i)  // a sinks: entry's own config:
      if (const auto sink = registry.find(cfg.sinks[i].plugin)) config::check_sink_config(cfg, i, sink->path);
  } else {
    // No plugins.load (a LiteLLM config as it is): every plugin in the plugin folders.
    for (const auto& dir : dirs) {
      std::error_code ec;
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".so") found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      for (const auto& path : found) {
        try {
          registry.load(path, base_dir, dirs);
        } catch (const loader::UnservedKindError& e) {
          spdlog::warn("{}", e.what());  // found, not asked for: skipped, said once
        }
      }
    }
  }
}

std::unique_ptr<frontends::Runtime> build_runtime(const config::Config& cfg, const pricing::PriceTable& prices,
                                                  const frontends::Accounting& services,
                                                  const frontends::Runtime* previous) {
  auto rt = std::make_unique<frontends::Runtime>();
  rt->registry = std::make_unique<loader::Registry>();
  std::map<std::string, std::string> plugin_configs;
  load_plugins(cfg, *rt->registry, plugin_configs);
  rt->gateway = std::make_unique<pipeline::Gateway>(cfg, *rt->registry);
  rt->guards = guard::build_guard_chain(cfg, *rt->registry);
  rt->telemetry = std::make_unique<telemetry::Telemetry>();
  rt->telemetry->start(cfg.sinks, *rt->registry, plugin_configs, cfg.source_path,  // sinks: their threads
                       previous ? previous->telemetry.get() : nullptr);
  for (const auto& d : cfg.deployments) {
    const auto& t = d.price_text;
    for (const auto& e : rt->prices.add(d.id, d.provider, d.model, {t.input, t.output, t.cache_read, t.cache_write, t.reasoning}, prices))
      spdlog::warn("deployment {}: {}; the price table's is used", d.id, e);
  }
  rt->accounting = services;
  rt->accounting.prices = &rt->prices;
  rt->accounting.max_reservation_nano = 1'000'000'000;  // $1
  if (!cfg.max_budget_reservation.empty())
    rt->accounting.max_reservation_nano =
        pricing::parse_usd_to_pico(cfg.max_budget_reservation).value_or(1'000'000'000'000) / 1000;
  rt->accounting.cut_streams = cfg.budget_enforcement == "cut";
  return rt;
}

}  // namespace llmgw::reload

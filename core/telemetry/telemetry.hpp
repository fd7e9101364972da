// Phase 9's telemetry: the request metrics (process-wide: they count on across config reloads),
// and the configured sinks (sinks:), each on its own thread behind a bounded queue
// (telemetry/sink_runner.hpp). One Telemetry per config snapshot (frontends/runtime): the
// ingress calls finish_request of the snapshot its request holds; nothing here waits for a sink.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "loader/registry.hpp"
#include "telemetry/request_facts.hpp"

namespace llmgw::telemetry {

class SinkRunner;

class Telemetry {
 public:
  Telemetry();
  ~Telemetry();

  /// Creates one instance per `sinks:` entry (its `config:`, else `plugin_configs[plugin]`, else
  /// "{}") and starts its thread. Throws loader::PluginError naming the plugin, then
  /// "<source_file>:<line>: sinks[i]" and the plugin's line. Call once.
  void start(const std::vector<config::SinkSpec>& sinks, const loader::Registry& registry,
             const std::map<std::string, std::string>& plugin_configs, const std::string& source_file = {});
  /// Emits what is queued, flushes and joins every sink thread, each within `wait_ms`; a sink
  /// stuck in emit is left running (and leaked) with one warning.
  void stop(int64_t wait_ms);

  /// Whether any sink runs (requests then send `traceparent` upstream).
  bool has_sinks() const { return !runners_.empty(); }

  /// Phase 9: metrics, then one event to every sink whose filter takes it.
  void finish_request(const RequestFacts& facts);

  /// Appends the request metrics and the sinks' counters (Prometheus text).
  void render_metrics(std::string& out) const;

 private:
  struct Entry {
    std::unique_ptr<SinkRunner> runner;
    std::vector<std::string> aliases;  // empty: all
    bool include_bodies = false;
  };
  std::vector<Entry> runners_;
};

}  // namespace llmgw::telemetry

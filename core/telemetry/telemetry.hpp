// Phase 9's telemetry: the request metrics (process-wide: they count on across config reloads),
// and the configured sinks (sinks:), each on its own thread behind a bounded queue
// (telemetry/sink_runner.hpp). One Telemetry per config snapshot (frontends/runtime): the
// ingress calls finish_request of the snapshot its request holds; nothing here waits for a sink.
// A reload keeps a sink whose entry did not change (the same plugin library, the same effective
// config, aliases, keys, teams, queue size and include_bodies): the new snapshot shares its runner with the
// old, so its queue, thread and counters go on; a changed or removed sink is stopped (flushed)
// when the last snapshot holding it is retired. A kept sink is not created again, so values it
// read at create (an os.environ/ secret) stay as they were.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/entry_scope.hpp"
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
  /// `previous`: the snapshot being replaced (a reload); each of its sinks whose entry is the
  /// same here is shared instead of created.
  void start(const std::vector<config::SinkSpec>& sinks, const loader::Registry& registry,
             const std::map<std::string, std::string>& plugin_configs, const std::string& source_file = {},
             const Telemetry* previous = nullptr);
  /// Lets go of every sink: one no other snapshot shares emits what is queued, flushes and
  /// joins its thread, within `wait_ms`; a sink stuck in emit is left running (and leaked)
  /// with one warning.
  void stop(int64_t wait_ms);

  /// How many sinks start() took over from `previous`.
  std::size_t kept() const { return kept_; }
  /// Whether start() created or let go of a sink against `previous` (null: no sinks before):
  /// false when every sink it runs was taken over and every sink `previous` ran was.
  bool sinks_changed(const Telemetry* previous) const;

  /// Whether any sink runs (requests then send `traceparent` upstream).
  bool has_sinks() const { return !runners_.empty(); }

  /// Phase 9: metrics, then one event to every sink whose scope (aliases, keys, teams:
  /// config/entry_scope.hpp) takes the request.
  void finish_request(const RequestFacts& facts);

  /// Appends the request metrics and the sinks' counters (Prometheus text).
  void render_metrics(std::string& out) const;

 private:
  struct Entry {
    std::shared_ptr<SinkRunner> runner;  // shared with the snapshots that kept it; the last stops it
    config::EntryScope scope;          // which requests' events it receives
    bool include_bodies = false;
    std::string identity;  // what must be equal for a reload to keep it (sink_identity)
  };
  std::vector<Entry> runners_;
  std::size_t kept_ = 0;
};

}  // namespace llmgw::telemetry

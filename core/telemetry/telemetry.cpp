#include "telemetry/telemetry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "telemetry/request_event.hpp"
#include "telemetry/request_metrics.hpp"
#include "telemetry/sink_runner.hpp"

namespace llmgw::telemetry {
namespace {

SharedEvent* make_event(const RequestFacts& facts, bool with_body) {
  auto* e = new SharedEvent;
  e->type = LLMGW_EVENT_REQUEST;
  e->schema_version = kRequestEventSchema;
  e->time_unix_ms = facts.end_unix_ms;
  e->json.reserve(1024 + (with_body ? facts.body.size() + facts.body.size() / 8 : 0));
  write_request_event(facts, with_body, e->json);
  return e;
}

void sink_counter(std::string& out, const char* name, const char* help,
                  const std::vector<const SinkRunner*>& runners, uint64_t (SinkRunner::*read)() const) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" counter\n");
  for (const SinkRunner* r : runners) {
    std::string labels;
    append_label(labels, "sink", r->name());
    out.append(name).append("{").append(labels).append("} ").append(std::to_string((r->*read)())).push_back('\n');
  }
}

}  // namespace

Telemetry::Telemetry() = default;

Telemetry::~Telemetry() {
  // Runners stop() did not end (it was never called: the process is exiting) still have live
  // threads: they are leaked, never destroyed under them.
  for (auto& e : runners_) (void)e.runner.release();
}

void Telemetry::start(const std::vector<config::SinkSpec>& sinks, const loader::Registry& registry,
                      const std::map<std::string, std::string>& plugin_configs, const std::string& source_file) {
  for (std::size_t i = 0; i < sinks.size(); ++i) {
    const config::SinkSpec& spec = sinks[i];
    std::string config = spec.config_json;
    if (config.empty()) {
      const auto it = plugin_configs.find(spec.plugin);
      config = it == plugin_configs.end() ? "{}" : it->second;
    }
    std::string what = source_file.empty() ? std::string("line ") : source_file + ":";
    what.append(std::to_string(spec.line)).append(": sinks[").append(std::to_string(i)).append("]");
    auto instance = registry.create_sink(spec.plugin, config, what);
    std::string name = spec.plugin;
    const auto same = std::count_if(runners_.begin(), runners_.end(),
                                    [&](const Entry& e) { return e.runner->name().starts_with(spec.plugin); });
    if (same > 0) name += "#" + std::to_string(same + 1);
    Entry entry{std::make_unique<SinkRunner>(name, std::move(instance), spec.queue_size), spec.aliases,
                spec.include_bodies};
    entry.runner->start();
    spdlog::info("sink {} running (queue {} events{})", name, spec.queue_size,
                 spec.include_bodies ? ", with request bodies" : "");
    runners_.push_back(std::move(entry));
  }
}

void Telemetry::stop(int64_t wait_ms) {
  for (auto& e : runners_) {
    if (!e.runner) continue;
    if (!e.runner->stop(wait_ms)) {
      spdlog::warn("sink {}: still inside emit after {} ms at shutdown; left behind ({} events queued)",
                   e.runner->name(), wait_ms, e.runner->queued());
      e.runner.release();  // its thread still uses it
    } else {
      e.runner.reset();  // the plugin's destroy, after its last flush
    }
  }
}

void Telemetry::finish_request(const RequestFacts& facts) {
  record_request_metrics(facts);
  SharedEvent* plain = nullptr;
  SharedEvent* with_body = nullptr;
  for (auto& e : runners_) {
    if (!e.runner) continue;  // stopped
    if (!e.aliases.empty() && std::find(e.aliases.begin(), e.aliases.end(), facts.alias) == e.aliases.end()) continue;
    SharedEvent*& event = e.include_bodies ? with_body : plain;
    if (!event) event = make_event(facts, e.include_bodies);
    e.runner->push(event);
  }
  if (plain) plain->release();
  if (with_body) with_body->release();
}

void Telemetry::render_metrics(std::string& out) const {
  render_request_metrics(out);
  std::vector<const SinkRunner*> runners;
  for (const auto& e : runners_)
    if (e.runner) runners.push_back(e.runner.get());
  sink_counter(out, "llmgw_sink_dropped_total", "Events a sink's full queue dropped (the sink was slower than traffic).",
               runners, &SinkRunner::dropped);
  sink_counter(out, "llmgw_sink_emitted_total", "Events a sink took.", runners, &SinkRunner::emitted);
  sink_counter(out, "llmgw_sink_errors_total", "Events a sink failed to take, and failed flushes.", runners,
               &SinkRunner::errors);
}

}  // namespace llmgw::telemetry

#include "telemetry/telemetry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string_view>
#include <utility>

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

/// Everything that makes two sinks: entries the same sink: the plugin's library, the config it
/// is created with, and the entry's own settings. NUL-separated (no field holds a NUL).
std::string sink_identity(const config::SinkSpec& spec, const std::string& library, const std::string& config) {
  std::string id;
  for (const std::string* part : {&spec.plugin, &library, &config}) id.append(*part).push_back('\0');
  id.append(std::to_string(spec.queue_size)).push_back('\0');
  id.push_back(spec.include_bodies ? '1' : '0');
  // Each name with its list's tag, NUL first (a string_view: a "\0…" literal would stop at the NUL).
  using namespace std::string_view_literals;
  for (const auto& [tag, list] : {std::pair{"\0a:"sv, &spec.aliases}, {"\0k:"sv, &spec.keys}, {"\0t:"sv, &spec.teams}})
    for (const std::string& name : *list) id.append(tag).append(name);
  return id;
}

/// The deleter of a shared runner: the last snapshot to let go stops it (flush, join) within
/// the wait its stop asked for; a sink stuck in emit is left running, leaked.
struct StopRunner {
  void operator()(SinkRunner* r) const {
    if (r->stop(r->stop_wait_ms())) {
      delete r;  // the plugin's destroy, after its last flush
      return;
    }
    if (r->stop_wait_ms() > 0)
      spdlog::warn("sink {}: still inside emit after {} ms at stop; left behind ({} events queued)", r->name(),
                   r->stop_wait_ms(), r->queued());
  }
};

}  // namespace

Telemetry::Telemetry() = default;

Telemetry::~Telemetry() {
  // Runners stop() did not let go of (it was never called: the process is exiting) are told to
  // stop without waiting; one still busy is leaked, never destroyed under its thread.
  for (auto& e : runners_)
    if (e.runner) e.runner->set_stop_wait_ms(0);
  runners_.clear();
}

void Telemetry::start(const std::vector<config::SinkSpec>& sinks, const loader::Registry& registry,
                      const std::map<std::string, std::string>& plugin_configs, const std::string& source_file,
                      const Telemetry* previous) {
  std::vector<bool> taken(previous ? previous->runners_.size() : 0, false);
  for (std::size_t i = 0; i < sinks.size(); ++i) {
    const config::SinkSpec& spec = sinks[i];
    std::string config = spec.config_json;
    if (config.empty()) {
      const auto it = plugin_configs.find(spec.plugin);
      config = it == plugin_configs.end() ? "{}" : it->second;
    }
    const auto plugin = registry.find(spec.plugin);
    std::string identity = sink_identity(spec, plugin ? plugin->path : std::string(), config);
    if (previous) {  // a reload: the same entry keeps its running sink
      std::size_t j = 0;
      for (; j < taken.size(); ++j)
        if (!taken[j] && previous->runners_[j].runner && previous->runners_[j].identity == identity) break;
      if (j < taken.size()) {
        taken[j] = true;
        runners_.push_back(previous->runners_[j]);
        ++kept_;
        spdlog::info("sink {} kept (its entry did not change): its queue and counters go on", runners_.back().runner->name());
        continue;
      }
    }
    std::string what = source_file.empty() ? std::string("line ") : source_file + ":";
    what.append(std::to_string(spec.line)).append(": sinks[").append(std::to_string(i)).append("]");
    auto instance = registry.create_sink(spec.plugin, config, what);
    std::string name = spec.plugin;
    const auto same = std::count_if(runners_.begin(), runners_.end(),
                                    [&](const Entry& e) { return e.runner->name().starts_with(spec.plugin); });
    if (same > 0) name += "#" + std::to_string(same + 1);
    Entry entry{std::shared_ptr<SinkRunner>(new SinkRunner(name, std::move(instance), spec.queue_size), StopRunner{}),
                config::EntryScope(spec.aliases, spec.keys, spec.teams), spec.include_bodies, std::move(identity)};
    entry.runner->start();
    spdlog::info("sink {} running (queue {} events{})", name, spec.queue_size,
                 spec.include_bodies ? ", with request bodies" : "");
    runners_.push_back(std::move(entry));
  }
}

bool Telemetry::sinks_changed(const Telemetry* previous) const {
  const std::size_t before = previous ? previous->runners_.size() : 0;
  return kept_ != runners_.size() || kept_ != before;
}

void Telemetry::stop(int64_t wait_ms) {
  for (auto& e : runners_) {
    if (!e.runner) continue;
    e.runner->set_stop_wait_ms(wait_ms);
    e.runner.reset();  // the last holder stops it (StopRunner)
  }
}

void Telemetry::finish_request(const RequestFacts& facts) {
  record_request_metrics(facts);
  SharedEvent* plain = nullptr;
  SharedEvent* with_body = nullptr;
  const config::RequestScope scope{facts.alias, facts.key_alias, facts.team};
  for (auto& e : runners_) {
    if (!e.runner) continue;  // stopped
    if (!e.scope.matches(scope)) continue;
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

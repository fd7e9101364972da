// sinks: which loaded sink plugins receive request events (sdk/EVENTS.md), in order:
//   sinks:
//     - sink-request-log                  # a descriptor name: its plugins.load entry's config
//     - plugin: sink-otlp
//       config: {endpoint: http://127.0.0.1:4318/v1/traces}   # instead of the load entry's
//       aliases: [gpt-4o]                 # only these aliases' events (default: all)
//       keys: [ci-bot]                    # only these virtual keys' events (by key_alias), or
//       teams: [team-a]                   # of keys in these teams (by team_id) (default: every caller)
//       queue_size: 4096                  # events waiting; more are dropped and counted
//       include_bodies: false             # the request body in the event
#include "config/json_pointer_lines.hpp"
#include "config/sections.hpp"

namespace llmgw::config::detail {
namespace {

void parse_sink(Reader& r, const YAML::Node& node, const std::string& path, Config& out) {
  SinkSpec spec;
  spec.line = node.Mark().line + 1;
  if (node.IsScalar()) {
    spec.plugin = r.required_string(Entry{"", node, node}, path);
  } else if (node.IsMap()) {
    for (const Entry& e : r.entries(node, node, path)) {
      const std::string p = join(path, e.key);
      if (e.key == "plugin") {
        spec.plugin = r.required_string(e, p);
      } else if (e.key == "config") {
        spec.config_json = mapping_json(r, e, p);
        spec.config_lines = json_pointer_lines(r, e, p);
      } else if (e.key == "aliases") {
        if (e.value.IsNull()) continue;
        if (!e.value.IsSequence()) r.fail(e.at, p, "expected a list of model aliases");
        std::size_t i = 0;
        for (const auto& a : e.value) spec.aliases.push_back(r.required_string(Entry{"", a, a}, item(p, i++)));
      } else if (e.key == "keys") {
        spec.keys = scope_names(r, e, p, "virtual key names (key_alias)");
      } else if (e.key == "teams") {
        spec.teams = scope_names(r, e, p, "team ids (team_id)");
      } else if (e.key == "queue_size") {
        int n = static_cast<int>(spec.queue_size);
        r.read(e, p, n, 1, 1 << 20);
        spec.queue_size = static_cast<std::size_t>(n);
      } else if (e.key == "include_bodies") {
        r.read(e, p, spec.include_bodies);
      } else {
        r.unknown_key(e, p);
      }
    }
    if (spec.plugin.empty()) r.fail(node, join(path, "plugin"), "required key is missing");
  } else {
    r.fail(node, path, "expected a sink plugin name or a mapping with plugin");
  }
  out.sinks.push_back(std::move(spec));
}

}  // namespace

void parse_sinks(Reader& r, const Entry& sinks, Config& out) {
  if (sinks.value.IsNull()) return;
  if (!sinks.value.IsSequence()) r.fail(sinks.at, "sinks", "expected a list of sink plugins");
  std::size_t i = 0;
  for (const auto& node : sinks.value) parse_sink(r, node, item("sinks", i++), out);
}

}  // namespace llmgw::config::detail

// guardrails: [{plugin: NAME, aliases: [alias, ...], keys: [key_alias, ...], teams: [team_id, ...],
// phases: [input, output]}], run in file order. Which requests an entry guards: config/entry_scope.hpp.
// `models:` is the deprecated name of `aliases:` (a warning naming file and line; both: an error),
// the name sinks: entries never had.
#include "config/sections.hpp"

namespace llmgw::config::detail {
namespace {

/// A list of strings, or one string as a list of one.
std::vector<std::string> strings(Reader& r, const Entry& e, const std::string& path) {
  std::vector<std::string> out;
  if (e.value.IsNull()) return out;
  if (e.value.IsScalar()) {
    out.push_back(r.required_string(e, path));
    return out;
  }
  if (!e.value.IsSequence()) r.fail(e.at, path, "expected a list of names");
  std::size_t i = 0;
  for (const auto& node : e.value) {
    Entry element{"", node, node};
    out.push_back(r.required_string(element, item(path, i++)));
  }
  return out;
}

void parse_entry(Reader& r, const YAML::Node& node, const std::string& path, Config& out) {
  if (!node.IsMap()) r.fail(node, path, "expected a mapping with plugin (and aliases, keys, teams, phases)");
  if (node["guardrail_name"] && !node["plugin"]) {
    // LiteLLM's own guardrails: list (guardrail_name + litellm_params, naming its integrations):
    // a migrated config still loads; the entry guards nothing here, and says so.
    const YAML::Node name = node["guardrail_name"];
    r.warn(node, path + ": LiteLLM's guardrail '" + (name.IsScalar() ? name.Scalar() : std::string("?")) +
                     "' has no llmgw counterpart; ignored (llmgw's guardrails: entries name a plugin)");
    return;
  }
  GuardrailSpec spec;
  spec.line = node.Mark().line + 1;
  bool has_plugin = false;
  const Entry* scope_name = nullptr;  // the aliases: or models: entry read
  for (const Entry& e : r.entries(node, node, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "plugin") {
      spec.plugin = r.required_string(e, p);
      has_plugin = true;
    } else if (e.key == "aliases" || e.key == "models") {
      if (scope_name)
        r.fail(e.at, p, "give aliases or models (its deprecated name), not both: " + scope_name->key + " is on line " +
                            std::to_string(scope_name->at.Mark().line + 1));
      scope_name = &e;
      if (e.key == "models") r.warn(e.at, p + ": deprecated name, write aliases: (the same list; as on sinks: entries)");
      spec.aliases = strings(r, e, p);
    } else if (e.key == "keys") {
      spec.keys = scope_names(r, e, p, "virtual key names (key_alias)");
    } else if (e.key == "teams") {
      spec.teams = scope_names(r, e, p, "team ids (team_id)");
    } else if (e.key == "phases") {
      spec.input = spec.output = false;
      for (const std::string& phase : strings(r, e, p)) {
        if (phase == "input") spec.input = true;
        else if (phase == "output") spec.output = true;
        else r.fail(e.at, p, "unknown phase '" + phase + "' (phases are input and output)");
      }
      if (!spec.input && !spec.output) r.fail(e.at, p, "names no phase (phases are input and output)");
    } else {
      r.unknown_key(e, p);
    }
  }
  if (!has_plugin) r.fail(node, join(path, "plugin"), "required key is missing");
  out.guardrails.push_back(std::move(spec));
}

}  // namespace

void parse_guardrails(Reader& r, const Entry& guardrails, Config& out) {
  const std::string path = "guardrails";
  if (guardrails.value.IsNull()) return;
  if (!guardrails.value.IsSequence()) r.fail(guardrails.at, path, "expected a list of guardrails");
  std::size_t i = 0;
  for (const auto& node : guardrails.value) parse_entry(r, node, item(path, i++), out);
}

}  // namespace llmgw::config::detail

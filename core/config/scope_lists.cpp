// The `keys:` and `teams:` lists of guardrails: and sinks: entries (config/entry_scope.hpp).
#include <cstdlib>

#include "config/sections.hpp"

namespace llmgw::config::detail {

std::vector<std::string> scope_names(Reader& r, const Entry& e, const std::string& path, std::string_view what) {
  std::vector<std::string> out;
  if (e.value.IsNull()) return out;
  const std::string example = path.ends_with("teams") ? "[team-a]" : "[ci-bot]";
  if (!e.value.IsSequence()) r.fail(e.at, path, "expected a list of " + std::string(what) + ", e.g. " + example);
  if (e.value.size() == 0)
    r.fail(e.at, path, "an empty list matches no request; remove the key to apply the entry to every caller");
  std::size_t i = 0;
  for (const auto& node : e.value) {
    const std::string p = item(path, i++);
    if (!node.IsScalar())
      r.fail(node.IsNull() ? e.at : node, p, "expected a string (one of the " + std::string(what) + ")");
    out.push_back(r.required_string(Entry{"", node, node}, p));
  }
  return out;
}

void warn_scopes_without_keys(const std::string& file, Config& cfg) {
  if (!cfg.database_url.empty()) return;
  if (const char* env = std::getenv("DATABASE_URL"); env && *env) return;  // governance reads it too
  const auto warn = [&](const char* section, std::size_t i, int line) {
    cfg.warnings.push_back(file + ":" + std::to_string(line) + ": " + section + "[" + std::to_string(i) +
                           "]: keys:/teams: match no request without general_settings.database_url (no virtual "
                           "keys); the entry applies to nothing");
  };
  for (std::size_t i = 0; i < cfg.guardrails.size(); ++i) {
    const GuardrailSpec& g = cfg.guardrails[i];
    if (!g.keys.empty() || !g.teams.empty()) warn("guardrails", i, g.line);
  }
  for (std::size_t i = 0; i < cfg.sinks.size(); ++i) {
    const SinkSpec& s = cfg.sinks[i];
    if (!s.keys.empty() || !s.teams.empty()) warn("sinks", i, s.line);
  }
}

}  // namespace llmgw::config::detail

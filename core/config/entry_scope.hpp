// Which requests a `guardrails:` or `sinks:` entry applies to: its aliases (a guardrail's
// `models:`, a sink's `aliases:`), its virtual keys (`keys:`, by the key's name: key_alias in the
// admin API) and its teams (`teams:`, by team_id). Empty lists match everything; `keys:` and
// `teams:` together name the callers (a request matches when its key is named in `keys:` or its
// team in `teams:`), and an entry with aliases too applies only where both match. A request
// without a virtual key (master key, no auth) matches only entries without `keys:` and `teams:`.
// Built once per config load (lists sorted); matches() reads views of the request and allocates
// nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::config {

/// What an entry's scope looks at in one request. Views: valid while the request runs.
struct RequestScope {
  RequestScope() = default;
  /// A request to `alias` without a virtual key.
  RequestScope(std::string_view alias_) : alias(alias_) {}  // NOLINT(google-explicit-constructor): {"m"}
  RequestScope(std::string_view alias_, std::string_view key_alias_, std::string_view team_)
      : alias(alias_), key_alias(key_alias_), team(team_) {}

  std::string_view alias;      // the model alias the request named
  std::string_view key_alias;  // the virtual key's name; empty: master key, no auth, an unnamed key
  std::string_view team;       // the virtual key's team_id; empty: none
};

class EntryScope {
 public:
  EntryScope() = default;  // every request
  EntryScope(std::vector<std::string> aliases, std::vector<std::string> keys, std::vector<std::string> teams);

  bool matches(const RequestScope& request) const { return matches_alias(request.alias) && matches_caller(request); }
  /// Whether the alias is one of the entry's (or the entry names none).
  bool matches_alias(std::string_view alias) const;
  /// Whether the caller is one of the entry's: always without keys: and teams:; else a named key
  /// in keys: or a key whose team is in teams: (never an empty name).
  bool matches_caller(const RequestScope& request) const;
  /// Whether the entry names keys or teams.
  bool caller_scoped() const { return !keys_.empty() || !teams_.empty(); }

 private:
  std::vector<std::string> aliases_, keys_, teams_;  // sorted, unique
};

}  // namespace llmgw::config

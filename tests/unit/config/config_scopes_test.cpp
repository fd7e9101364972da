// guardrails: and sinks: entries scoped to virtual keys (keys:, by key_alias) and teams (teams:,
// by team_id): parsed, validated with file and line; and the matcher built from them
// (config/entry_scope.hpp).
#include <algorithm>

#include "config/entry_scope.hpp"
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;
using Strings = std::vector<std::string>;

TEST_CASE("keys: and teams: on guardrails: and sinks: entries", "[config][scopes]") {
  const Config cfg = load(R"(guardrails:
  - plugin: guardrail-pii
    aliases: [gpt-4o]
    keys: [ci-bot, "123"]
    teams: [team-a]
  - plugin: guardrail-pii
sinks:
  - plugin: sink-request-log
    teams: [team-b]
  - plugin: sink-otlp
    keys: [ci-bot]
    aliases: [claude]
)");
  REQUIRE(cfg.guardrails.size() == 2);
  CHECK(cfg.guardrails[0].aliases == Strings{"gpt-4o"});
  CHECK(cfg.guardrails[0].keys == Strings{"ci-bot", "123"});
  CHECK(cfg.guardrails[0].teams == Strings{"team-a"});
  CHECK(cfg.guardrails[1].keys.empty());
  CHECK(cfg.guardrails[1].teams.empty());
  REQUIRE(cfg.sinks.size() == 2);
  CHECK(cfg.sinks[0].teams == Strings{"team-b"});
  CHECK(cfg.sinks[0].keys.empty());
  CHECK(cfg.sinks[1].keys == Strings{"ci-bot"});
  CHECK(cfg.sinks[1].aliases == Strings{"claude"});
}

TEST_CASE("bad keys: and teams: name file, line and key", "[config][scopes]") {
  for (const std::string section : {"guardrails", "sinks"}) {
    const std::string head = section + ":\n  - plugin: p\n";
    CHECK_THAT(error_of(head + "    keys: ci-bot\n"),
               Catch::Contains("test.yaml:3") && Catch::Contains(section + "[0].keys: expected a list of virtual key names"));
    CHECK_THAT(error_of(head + "    teams: {a: 1}\n"),
               Catch::Contains("test.yaml:3") && Catch::Contains(section + "[0].teams: expected a list of team ids"));
    CHECK_THAT(error_of(head + "    keys: []\n"),
               Catch::Contains("test.yaml:3") && Catch::Contains(section + "[0].keys: an empty list matches no request"));
    CHECK_THAT(error_of(head + "    teams:\n      - ok\n      - [nested]\n"),
               Catch::Contains("test.yaml:5") && Catch::Contains(section + "[0].teams[1]: expected a string"));
    CHECK_THAT(error_of(head + "    keys: [a, {b: c}]\n"), Catch::Contains(section + "[0].keys[1]: expected a string"));
    CHECK_THAT(error_of(head + "    keys: [a, ~]\n"), Catch::Contains(section + "[0].keys[1]: expected a string"));
    CHECK_THAT(error_of(head + "    keys: [a, \"\"]\n"), Catch::Contains(section + "[0].keys[1]: must not be empty"));
    const Config typo = load(head + "    key: [a]\n");  // an unknown key: a warning, as everywhere
    const auto named = std::count_if(typo.warnings.begin(), typo.warnings.end(), [&](const std::string& w) {
      return w.find("test.yaml:3") != std::string::npos && w.find(section + "[0].key is an unknown key") != std::string::npos;
    });
    CHECK(named == 1);
  }
}

TEST_CASE("scope: empty lists match every request", "[config][scopes]") {
  const EntryScope all;
  CHECK(all.matches({"gpt-4o", "", ""}));
  CHECK(all.matches({"gpt-4o", "ci-bot", "team-a"}));
  CHECK(all.matches({"", "", ""}));
  CHECK_FALSE(all.caller_scoped());
  const EntryScope aliases({"gpt-4o", "claude"}, {}, {});
  CHECK(aliases.matches({"claude", "", ""}));
  CHECK(aliases.matches({"gpt-4o", "ci-bot", ""}));
  CHECK_FALSE(aliases.matches({"gpt-4o-mini", "", ""}));
  CHECK_FALSE(aliases.matches({"", "", ""}));
}

TEST_CASE("scope: keys and teams name callers; without a virtual key nothing matches them", "[config][scopes]") {
  const EntryScope scope({}, {"ci-bot", "alice"}, {"team-a"});
  CHECK(scope.caller_scoped());
  CHECK(scope.matches({"gpt-4o", "ci-bot", ""}));
  CHECK(scope.matches({"gpt-4o", "alice", "team-z"}));
  CHECK(scope.matches({"gpt-4o", "bob", "team-a"}));  // by its team
  CHECK(scope.matches({"gpt-4o", "", "team-a"}));     // an unnamed key of the team
  CHECK_FALSE(scope.matches({"gpt-4o", "bob", "team-b"}));
  CHECK_FALSE(scope.matches({"gpt-4o", "ci-bo", ""}));   // whole names only
  CHECK_FALSE(scope.matches({"gpt-4o", "ci-bot2", ""}));
  CHECK_FALSE(scope.matches({"gpt-4o", "team-a", ""}));  // a key named like a team is not the team
  CHECK_FALSE(scope.matches({"gpt-4o", "", ""}));        // master key, no auth
  const EntryScope teams_only({}, {}, {"team-a"});
  CHECK_FALSE(teams_only.matches({"gpt-4o", "ci-bot", ""}));
  CHECK(teams_only.matches({"gpt-4o", "ci-bot", "team-a"}));
}

TEST_CASE("scope: aliases and keys together apply only where both match", "[config][scopes]") {
  const EntryScope scope({"gpt-4o"}, {"ci-bot"}, {});
  CHECK(scope.matches({"gpt-4o", "ci-bot", ""}));
  CHECK_FALSE(scope.matches({"claude", "ci-bot", ""}));
  CHECK_FALSE(scope.matches({"gpt-4o", "alice", ""}));
  CHECK_FALSE(scope.matches({"gpt-4o", "", ""}));
  CHECK(scope.matches_alias("gpt-4o"));
  CHECK_FALSE(scope.matches_caller({"gpt-4o", "alice", ""}));
}

TEST_CASE("scope: duplicate and unsorted names, many names", "[config][scopes]") {
  std::vector<std::string> keys;
  for (int i = 999; i >= 0; --i) keys.push_back("key-" + std::to_string(i));
  keys.push_back("key-7");
  const EntryScope scope({}, keys, {});
  for (int i = 0; i < 1000; ++i) CHECK(scope.matches({"m", "key-" + std::to_string(i), ""}));
  CHECK_FALSE(scope.matches({"m", "key-1000", ""}));
  CHECK_FALSE(scope.matches({"m", "key-", ""}));
}

TEST_CASE("keys: and teams: without a database are a warning: no virtual key can match", "[config][scopes]") {
  const std::string entries = "guardrails:\n  - plugin: g\n    keys: [a]\n  - plugin: h\nsinks:\n  - plugin: s\n    teams: [t]\n";
  const auto scoped_warnings = [](const Config& cfg) {
    std::vector<std::string> out;
    for (const std::string& w : cfg.warnings)
      if (w.find("keys:/teams: match no request") != std::string::npos) out.push_back(w);
    return out;
  };
  const auto without = scoped_warnings(load(entries));
  REQUIRE(without.size() == 2);
  CHECK_THAT(without[0], Catch::StartsWith("test.yaml:2: guardrails[0]"));
  CHECK_THAT(without[1], Catch::StartsWith("test.yaml:6: sinks[0]"));
  CHECK(scoped_warnings(load(entries + "general_settings:\n  database_url: sqlite:///tmp/x.db\n")).empty());
}

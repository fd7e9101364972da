#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "config/config.hpp"
#include "reload/config_changes.hpp"

using namespace llmgw;
using reload::diff_configs;
using Strings = std::vector<std::string>;

namespace {

config::Config load(const std::string& yaml) { return config::load_string(yaml, "test.yaml"); }

const char* kBase = R"(model_list:
  - model_name: A
    litellm_params:
      model: openai/a
      api_base: http://127.0.0.1:1001/v1
  - model_name: C
    litellm_params:
      model: openai/c
      api_base: http://127.0.0.1:1003/v1
)";

}  // namespace

TEST_CASE("the same config changes nothing", "[reload]") {
  const auto c = diff_configs(load(kBase), load(kBase), false);
  CHECK_FALSE(c.aliases.any());
  CHECK_FALSE(c.deployments.any());
  CHECK_FALSE(c.fallbacks);
  CHECK_FALSE(c.router);
  CHECK_FALSE(c.guardrails);
  CHECK_FALSE(c.sinks);
  CHECK_FALSE(c.plugins);
  CHECK(c.restart_needed.empty());
  CHECK(reload::summary(c) == "nothing");
}

TEST_CASE("aliases and deployments added, removed and changed are named", "[reload]") {
  const auto after = load(R"(model_list:
  - model_name: A
    litellm_params:
      model: openai/a
      api_base: http://127.0.0.1:2002/v1
  - model_name: B
    litellm_params:
      model: openai/b
      api_base: http://127.0.0.1:1002/v1
router_settings:
  fallbacks: [{A: [B]}]
)");
  const auto c = diff_configs(load(kBase), after, false);
  CHECK(c.aliases.added == Strings{"B"});
  CHECK(c.aliases.removed == Strings{"C"});
  CHECK(c.aliases.changed == Strings{"A"});  // same id A#0, new api_base
  CHECK(c.deployments.added == Strings{"B#0"});
  CHECK(c.deployments.removed == Strings{"C#0"});
  CHECK(c.deployments.changed == Strings{"A#0"});
  CHECK(c.fallbacks);
  CHECK(c.restart_needed.empty());
  CHECK(reload::summary(c) == "aliases +B -C ~A, deployments +B#0 -C#0 ~A#0, fallbacks");
  CHECK(reload::to_json(c) ==
        R"({"aliases":{"added":["B"],"removed":["C"],"changed":["A"]},"deployments":{"added":["B#0"],)"
        R"("removed":["C#0"],"changed":["A#0"]},"fallbacks":true,"router_settings":false,"guardrails":false,)"
        R"("sinks":false,"plugins":false,"budgets":false,"restart_needed":[]})");
}

TEST_CASE("a second deployment under an alias changes the alias", "[reload]") {
  const std::string more = std::string(kBase) + R"(  - model_name: A
    litellm_params:
      model: openai/a2
      api_base: http://127.0.0.1:1004/v1
)";
  const auto c = diff_configs(load(kBase), load(more), false);
  CHECK(c.aliases.changed == Strings{"A"});
  CHECK(c.deployments.added.size() == 1);
  CHECK(c.deployments.changed.empty());
}

TEST_CASE("what a running process cannot take is reported as restart needed", "[reload]") {
  const auto after = load(std::string(kBase) + R"(server:
  port: 4111
  event_loops: 3
general_settings:
  master_key: sk-new
  database_url: sqlite:////tmp/x.db
  model_prices: prices.json
  max_budget_reservation: "2"
  admission_lease_calls: 0
router_settings:
  redis_host: 127.0.0.1
  num_retries: 5
log_level: debug
)");
  const auto c = diff_configs(load(kBase), after, true);
  for (const char* key : {"server.port", "server.event_loops", "general_settings.master_key",
                          "general_settings.database_url", "general_settings.model_prices", "router_settings.redis", "log_level",
                          "general_settings.admission_lease_calls"}) {
    INFO(key);
    CHECK(std::find(c.restart_needed.begin(), c.restart_needed.end(), key) != c.restart_needed.end());
  }
  CHECK(c.router);   // num_retries reloads
  CHECK(c.budgets);  // max_budget_reservation reloads
  CHECK_FALSE(c.aliases.any());
  // Without a database the price file is read again by the reload: no restart for it.
  const auto uncharged = diff_configs(load(kBase), after, false);
  CHECK(std::find(uncharged.restart_needed.begin(), uncharged.restart_needed.end(), "general_settings.model_prices") ==
        uncharged.restart_needed.end());
}

TEST_CASE("a guardrail's or sink's keys: and teams: are part of what changes it", "[reload]") {
  const std::string base = std::string(kBase) + "guardrails:\n  - plugin: g\n    keys: [a]\nsinks:\n  - plugin: s\n    teams: [t]\n";
  const auto before = load(base);
  CHECK_FALSE(diff_configs(before, load(base), false).guardrails);
  CHECK_FALSE(diff_configs(before, load(base), false).sinks);
  const auto keys = diff_configs(before, load(std::string(kBase) + "guardrails:\n  - plugin: g\n    keys: [b]\n"
                                                                   "sinks:\n  - plugin: s\n    teams: [t]\n"), false);
  CHECK(keys.guardrails);
  CHECK_FALSE(keys.sinks);
  const auto teams = diff_configs(before, load(std::string(kBase) + "guardrails:\n  - plugin: g\n    keys: [a]\n"
                                                                    "sinks:\n  - plugin: s\n    keys: [t]\n"), false);
  CHECK_FALSE(teams.guardrails);
  CHECK(teams.sinks);  // the same name, now a key's: another scope
}

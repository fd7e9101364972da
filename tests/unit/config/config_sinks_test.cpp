// plugins.load entries' config: and the sinks: section.
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

TEST_CASE("a plugins.load entry carries its config as JSON", "[config][plugins][sinks]") {
  const Config cfg = load(R"(plugins:
  load:
    - provider-openai
    - path: sink-request-log
      config:
        path: /tmp/requests.jsonl
        include_bodies: true
        batch: 3
)");
  REQUIRE(cfg.plugins.size() == 2);
  CHECK(cfg.plugins[0].config_json == "{}");
  CHECK(cfg.plugins[1].config_json == R"({"path":"/tmp/requests.jsonl","include_bodies":true,"batch":3})");
}

TEST_CASE("sinks: names or mappings, in order, with their options", "[config][sinks]") {
  const Config cfg = load(R"(sinks:
  - sink-request-log
  - plugin: sink-otlp
    config: {endpoint: "http://127.0.0.1:4318/v1/traces"}
    aliases: [gpt-4o, claude]
    queue_size: 16
    include_bodies: yes
)");
  REQUIRE(cfg.sinks.size() == 2);
  CHECK(cfg.sinks[0].plugin == "sink-request-log");
  CHECK(cfg.sinks[0].config_json.empty());  // the load entry's config applies
  CHECK(cfg.sinks[0].queue_size == 4096);
  CHECK_FALSE(cfg.sinks[0].include_bodies);
  CHECK(cfg.sinks[1].plugin == "sink-otlp");
  CHECK(cfg.sinks[1].config_json == R"({"endpoint":"http://127.0.0.1:4318/v1/traces"})");
  CHECK(cfg.sinks[1].aliases == std::vector<std::string>{"gpt-4o", "claude"});
  CHECK(cfg.sinks[1].queue_size == 16);
  CHECK(cfg.sinks[1].include_bodies);
}

TEST_CASE("bad sinks entries name file, line and key", "[config][sinks]") {
  CHECK_THAT(error_of("sinks: sink-x\n"), Catch::Contains("test.yaml:1") && Catch::Contains("expected a list of sink plugins"));
  CHECK_THAT(error_of("sinks:\n  - queue_size: 3\n"), Catch::Contains("sinks[0].plugin: required key is missing"));
  CHECK_THAT(error_of("sinks:\n  - plugin: s\n    queue_size: 0\n"), Catch::Contains("sinks[0].queue_size"));
  CHECK_THAT(error_of("sinks:\n  - plugin: s\n    config: [1]\n"), Catch::Contains("sinks[0].config: expected a mapping"));
  CHECK_THAT(error_of("plugins:\n  load:\n    - path: p\n      config: 3\n"),
             Catch::Contains("test.yaml:4") && Catch::Contains("plugins.load[0].config: expected a mapping"));
}

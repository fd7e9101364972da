// Keys llmgw does not act on are each warned about once; LiteLLM details that it does act on.
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

TEST_CASE("every unsupported or unknown key gets exactly one warning with file:line", "[config][warnings]") {
  const Config cfg = load(R"(model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      max_retries: 3
      max_budget: 10
      frobnicate: true
      temperature: 0.1
    model_info:
      id: a
      mode: chat
      colour: blue
    extra_thing: 1
router_settings:
  cache_responses: true
  retry_policy: {}
  fallbacks: [{gpt-4o: [gpt-4o-mini]}]
  client_ttl: 3600
  model_group_alias: {gpt-4: gpt-4o}
  routing_stratgy: typo
general_settings:
  master_key: sk-literal
  database_connection_pool_limit: 10
  alerting: [slack]
  what_is_this: 1
litellm_settings:
  drop_params: true
  success_callback: [langfuse]
  set_verbose: false
server:
  port: 4000
  colour: red
callback_settings: {}
mystery_section: {}
environment_variables: {}
)");
  const auto& w = cfg.warnings;
  const std::vector<std::string> not_supported = {
      "test.yaml:5: model_list[0].litellm_params.max_retries is not supported yet; ignored",
      "test.yaml:6: model_list[0].litellm_params.max_budget is not supported yet; ignored",
      "test.yaml:11: model_list[0].model_info.mode is not supported yet; ignored",
      "test.yaml:15: router_settings.cache_responses is not supported yet; ignored",
      "test.yaml:16: router_settings.retry_policy is not supported yet; ignored",
      "test.yaml:18: router_settings.client_ttl is not supported yet; ignored",
      "test.yaml:23: general_settings.database_connection_pool_limit is not supported yet; ignored",
      "test.yaml:24: general_settings.alerting is not supported yet; ignored",
      "test.yaml:27: litellm_settings.drop_params is not supported yet; ignored",
      "test.yaml:28: litellm_settings.success_callback is not supported yet; ignored",
      "test.yaml:29: litellm_settings.set_verbose is not supported yet; ignored",
      "test.yaml:33: callback_settings is not supported yet; ignored",
  };
  const std::vector<std::string> unknown = {
      "test.yaml:12: model_list[0].model_info.colour is an unknown key; ignored",
      "test.yaml:13: model_list[0].extra_thing is an unknown key; ignored",
      "test.yaml:20: router_settings.routing_stratgy is an unknown key; ignored",
      "test.yaml:25: general_settings.what_is_this is an unknown key; ignored",
      "test.yaml:32: server.colour is an unknown key; ignored",
      "test.yaml:34: mystery_section is an unknown key; ignored",
  };
  for (const auto& line : not_supported) CHECK(contains(w, line));
  for (const auto& line : unknown) CHECK(contains(w, line));
  CHECK(count_ending_with(w, " is not supported yet; ignored") == 12);
  CHECK(count_ending_with(w, " is an unknown key; ignored") == 6);
  CHECK(w.size() == 18);

  // What is supported was still read.
  CHECK(cfg.master_key == "sk-literal");
  CHECK(cfg.model_group_alias == std::map<std::string, std::string>{{"gpt-4", "gpt-4o"}});
  CHECK(cfg.server.port == 4000);
  CHECK(cfg.fallbacks == std::map<std::string, std::vector<std::string>>{{"gpt-4o", {"gpt-4o-mini"}}});
  REQUIRE(cfg.deployments.size() == 1);
  CHECK(cfg.deployments[0].id == "a");
  // Provider params and keys unknown to the core go to the provider plugin, which owns them.
  CHECK(cfg.deployments[0].extra_json == R"({"frobnicate":true,"temperature":0.1})");
}

TEST_CASE("model_group_alias takes strings or {model: ...} and checks the target", "[config][router]") {
  const Config cfg = load(R"(model_list:
  - {model_name: gpt-4o, litellm_params: {model: gpt-4o}}
router_settings:
  model_group_alias:
    gpt-4: gpt-4o
    gpt-4-turbo: {model: gpt-4o, hidden: true}
    claude: claude-3-opus
)");
  CHECK(cfg.model_group_alias ==
        std::map<std::string, std::string>{{"gpt-4", "gpt-4o"}, {"gpt-4-turbo", "gpt-4o"}, {"claude", "claude-3-opus"}});
  CHECK(cfg.warnings == std::vector<std::string>{
                            "test.yaml:6: router_settings.model_group_alias.gpt-4-turbo.hidden is not supported yet; ignored",
                            "test.yaml:7: router_settings.model_group_alias.claude: no deployment in model_list has "
                            "model_name \"claude-3-opus\"",
                        });
}

TEST_CASE("deployment ids: <alias>#<n> by default, model_info.id when given, unique", "[config][ids]") {
  const Config cfg = load(R"(model_list:
  - {model_name: a, litellm_params: {model: x}}
  - {model_name: b, litellm_params: {model: x}}
  - {model_name: a, litellm_params: {model: y}, model_info: {id: custom}}
  - {model_name: a, litellm_params: {model: z}}
)");
  REQUIRE(cfg.deployments.size() == 4);
  CHECK(cfg.deployments[0].id == "a#0");
  CHECK(cfg.deployments[1].id == "b#0");
  CHECK(cfg.deployments[2].id == "custom");
  CHECK(cfg.deployments[3].id == "a#2");
  CHECK(cfg.deployments[3].line == 5);

  CHECK(error_of(R"(model_list:
  - {model_name: a, litellm_params: {model: x}, model_info: {id: same}}
  - {model_name: b, litellm_params: {model: x},
     model_info: {id: same}}
)") == "test.yaml:4: model_list[1].model_info.id: duplicate deployment id \"same\" (also the id of the deployment at line 2)");
  // A chosen id may not take the default id of another deployment either.
  CHECK(error_of(R"(model_list:
  - {model_name: a, litellm_params: {model: x}}
  - {model_name: b, litellm_params: {model: x}, model_info: {id: "a#0"}}
)") == "test.yaml:3: model_list[1].model_info.id: duplicate deployment id \"a#0\" (also the id of the deployment at line 2)");
}

TEST_CASE("extra_json keeps provider params with PyYAML's types", "[config][extra]") {
  EnvVar org("LLMGW_TEST_ORG", "org-123");
  EnvVar gone("LLMGW_TEST_GONE", std::nullopt);
  const Config cfg = load(R"(model_list:
  - model_name: m
    litellm_params:
      model: openai/m
      organization: os.environ/LLMGW_TEST_ORG
      max_tokens: 100
      temperature: 1e-1
      top_p: "0.5"
      stop: [END, 3, yes, ~]
      user: null
      seed: -7
      headers: {X-A: "1", X-B: on, X-Key: os.environ/LLMGW_TEST_GONE}
      response_format: {type: json_object}
)");
  REQUIRE(cfg.deployments.size() == 1);
  CHECK(cfg.deployments[0].extra_json ==
        R"({"organization":"org-123","max_tokens":100,"temperature":0.1,"top_p":"0.5",)"
        R"("stop":["END",3,true,null],"user":null,"seed":-7,)"
        R"("headers":{"X-A":"1","X-B":true,"X-Key":null},"response_format":{"type":"json_object"}})");
  CHECK(cfg.warnings == std::vector<std::string>{
                            "test.yaml:12: model_list[0].litellm_params.headers.X-Key: environment variable "
                            "LLMGW_TEST_GONE is not set or empty; treated as unset"});
}

TEST_CASE("YAML anchors and merge keys work as in PyYAML", "[config][yaml]") {
  const Config cfg = load(R"(model_list:
  - model_name: a
    litellm_params: &common
      model: openai/gpt-4o
      api_base: https://proxy.example/v1
      rpm: 10
  - model_name: b
    litellm_params:
      <<: *common
      rpm: 20
)");
  REQUIRE(cfg.deployments.size() == 2);
  CHECK(cfg.warnings.empty());
  CHECK(cfg.deployments[1].model == "gpt-4o");
  CHECK(cfg.deployments[1].api_base == "https://proxy.example/v1");
  CHECK(cfg.deployments[1].rpm == 20);
  CHECK(cfg.deployments[0].rpm == 10);
}

TEST_CASE("custom_llm_provider overrides the prefix", "[config][litellm]") {
  const Config cfg = load(R"(model_list:
  - {model_name: a, litellm_params: {model: my-model, custom_llm_provider: OpenAI}}
  - {model_name: b, litellm_params: {model: openai/other, custom_llm_provider: openai}}
  - {model_name: c, litellm_params: {model: org/model, custom_llm_provider: hosted_vllm}}
)");
  REQUIRE(cfg.deployments.size() == 3);
  CHECK(cfg.deployments[0].provider == "openai");
  CHECK(cfg.deployments[0].model == "my-model");
  CHECK(cfg.deployments[1].model == "other");
  CHECK(cfg.deployments[2].provider == "hosted_vllm");
  CHECK(cfg.deployments[2].model == "org/model");
  CHECK(cfg.warnings.empty());
}

TEST_CASE("rpm / tpm: deployment level, then litellm_params, then model_info (as LiteLLM)", "[config][litellm]") {
  const Config cfg = load(R"(model_list:
  - model_name: a
    litellm_params: {model: x, rpm: 5, tpm: 50}
    rpm: 3
  - model_name: b
    litellm_params: {model: x}
    model_info: {rpm: 7, tpm: 70}
  - model_name: c
    litellm_params: {model: x, tpm: 9}
    model_info: {tpm: 90}
  - model_name: d
    litellm_params: {model: x}
)");
  REQUIRE(cfg.deployments.size() == 4);
  CHECK(cfg.warnings.empty());
  CHECK(cfg.deployments[0].rpm == 3);
  CHECK(cfg.deployments[0].tpm == 50);
  CHECK(cfg.deployments[1].rpm == 7);
  CHECK(cfg.deployments[1].tpm == 70);
  CHECK(cfg.deployments[2].tpm == 9);
  CHECK(cfg.deployments[3].rpm == 0);
  CHECK(cfg.deployments[3].tpm == 0);
  CHECK(error_of("model_list:\n  - model_name: a\n    litellm_params: {model: x}\n    tpm: many\n") ==
        "test.yaml:4: model_list[0].tpm: expected an integer");
}

TEST_CASE("LiteLLM configs as people write them: YAML 1.1 numbers, keys written twice, deployments that cannot serve",
          "[config][litellm]") {
  const Config cfg = load(R"(model_list:
  - model_name: a
    litellm_params:
      model: openai/x
      tpm: 20_000
      rpm: +300
      model: openai/y
  - model_name: b
    litellm_params:
      model: openai/
  - model_name: c
    litellm_params:
      model: /gpt-4o
server:
  port: 1
  port: 2
)");
  // 20_000 is an integer to PyYAML, and a leading + is allowed.
  REQUIRE(cfg.deployments.size() == 1);
  CHECK(cfg.deployments[0].tpm == 20000);
  CHECK(cfg.deployments[0].rpm == 300);
  // A key written twice: the last value, with a warning naming both lines.
  CHECK(cfg.deployments[0].model == "y");
  CHECK(cfg.server.port == 2);
  CHECK(contains(cfg.warnings, "test.yaml:7: model_list[0].litellm_params.model: duplicate key (first at line 4); the value here is used"));
  CHECK(contains(cfg.warnings, "test.yaml:16: server.port: duplicate key (first at line 15); the value here is used"));
  // Deployments that cannot be served: skipped, each named with its line; the rest serves.
  REQUIRE(cfg.skipped_deployments.size() == 2);
  CHECK(cfg.skipped_deployments[0] == "test.yaml:10: model_list[1].litellm_params.model: expected provider/model; the model is empty; skipped");
  CHECK(cfg.skipped_deployments[1] == "test.yaml:13: model_list[2].litellm_params.model: expected provider/model; the provider is empty; skipped");
  CHECK(contains(cfg.warnings, cfg.skipped_deployments[0]));
}

TEST_CASE("server.strict_config is read", "[config][litellm]") {
  CHECK(load("server:\n  strict_config: true\n").server.strict_config);
  CHECK_FALSE(load("server:\n  port: 1\n").server.strict_config);
}

TEST_CASE("LiteLLM configs: a deployment with model \"\" is skipped with a warning naming its line; the rest serves",
          "[config][litellm]") {
  const Config cfg = load(R"(model_list:
  - model_name: empty
    litellm_params:
      model: ""
  - model_name: quoted
    litellm_params: {model: '', api_key: k}
  - model_name: fine
    litellm_params:
      model: openai/gpt-4o-mini
)");
  REQUIRE(cfg.deployments.size() == 1);
  CHECK(cfg.deployments[0].alias == "fine");
  REQUIRE(cfg.skipped_deployments.size() == 2);
  CHECK(cfg.skipped_deployments[0] == "test.yaml:4: model_list[0].litellm_params.model: expected provider/model; the model is empty; skipped");
  CHECK(cfg.skipped_deployments[1] == "test.yaml:6: model_list[1].litellm_params.model: expected provider/model; the model is empty; skipped");
  CHECK(contains(cfg.warnings, cfg.skipped_deployments[1]));
  // Still refused when the key is missing altogether (LiteLLM refuses that at load too).
  CHECK(error_of("model_list:\n  - model_name: a\n    litellm_params: {api_key: k}\n") ==
        "test.yaml:3: model_list[0].litellm_params.model: required key is missing");
}

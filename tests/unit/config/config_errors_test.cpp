// Type errors, missing keys and YAML syntax errors: "FILE:LINE: key.path: what is wrong".
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

namespace {

struct Case {
  const char* yaml;
  const char* message;
};

const char* const kDeploymentHead = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/x\n";

}  // namespace

TEST_CASE("each type error names the file, the line and the key path", "[config][errors]") {
  const Case cases[] = {
      {"server:\n  port: abc\n", "test.yaml:2: server.port: expected an integer"},
      {"server:\n  port: 70000\n", "test.yaml:2: server.port: must be between 0 and 65535"},
      {"server:\n  port: 80.5\n", "test.yaml:2: server.port: expected an integer"},
      {"server:\n  max_threads: 0\n", "test.yaml:2: server.max_threads: must be between 1 and 65536"},
      {"server:\n  thread_stack_kb: 8\n", "test.yaml:2: server.thread_stack_kb: must be between 64 and 1048576"},
      {"server:\n  max_json_depth: 0\n", "test.yaml:2: server.max_json_depth: must be between 1 and 256"},
      {"server:\n  max_json_depth: 100000\n", "test.yaml:2: server.max_json_depth: must be between 1 and 256"},
      {"server: [1, 2]\n", "test.yaml:1: server: expected a mapping, found a list"},
      {"\nserver:\n  host: {a: 1}\n", "test.yaml:3: server.host: expected a single value, found a mapping"},
      {"server:\n  host: \"\"\n", "test.yaml:2: server.host: must not be empty"},
      {"log_level: verbose\n", "test.yaml:1: log_level: must be one of trace, debug, info, warn, error, critical, off"},
      {"- a\n- b\n", "test.yaml:1: expected a mapping of sections (server, model_list, ...) at the top level"},
      {"model_list:\n  gpt: x\n", "test.yaml:1: model_list: expected a list of deployments"},
      {"model_list: gpt-4o\n", "test.yaml:1: model_list: expected a list of deployments"},
      {"model_list:\n  - just a string\n", "test.yaml:2: model_list[0]: expected a mapping with model_name and litellm_params"},
      {"model_list:\n  - litellm_params:\n      model: gpt-4o\n", "test.yaml:2: model_list[0].model_name: required key is missing"},
      {"model_list:\n  - model_name: a\n", "test.yaml:2: model_list[0].litellm_params: required key is missing"},
      {"model_list:\n  - model_name: a\n    litellm_params:\n      api_base: http://x\n",
       "test.yaml:3: model_list[0].litellm_params.model: required key is missing"},
      {"model_list:\n  - model_name: a\n    litellm_params:\n", "test.yaml:3: model_list[0].litellm_params.model: required key is missing"},
      {"model_list:\n  - model_name: \"\"\n    litellm_params: {model: x}\n", "test.yaml:2: model_list[0].model_name: must not be empty"},
      {"model_list:\n  - model_name: a\n    litellm_params:\n      model: [openai, x]\n",
       "test.yaml:4: model_list[0].litellm_params.model: expected a single value, found a list"},
      {"model_list:\n  - model_name: a\n    litellm_params: openai/x\n",
       "test.yaml:3: model_list[0].litellm_params: expected a mapping, found a single value"},
      {"plugins:\n  load:\n    - {name: x}\n", "test.yaml:3: plugins.load[0].path: required key is missing"},
      {"plugins:\n  dirs: {a: b}\n", "test.yaml:2: plugins.dirs: expected a list of folders"},
      {"environment_variables:\n  1BAD: x\n", "test.yaml:2: environment_variables.1BAD: is not a valid environment variable name"},
      {"router_settings:\n  model_group_alias: {gpt-4: [a]}\n",
       "test.yaml:2: router_settings.model_group_alias.gpt-4: expected a single value, found a list"},
      {"general_settings:\n  master_key: \"\"\n",
       "test.yaml:2: general_settings.master_key: is empty; remove the key to run without authentication"},
      {"general_settings:\n  master_key:\n",
       "test.yaml:2: general_settings.master_key: is empty; remove the key to run without authentication"},
      {"litellm_settings: [a]\n", "test.yaml:1: litellm_settings: expected a mapping, found a list"},
  };
  for (const Case& c : cases) {
    INFO("yaml:\n" << c.yaml);
    CHECK(error_of(c.yaml) == c.message);
  }
}

TEST_CASE("each litellm_params type error names its key", "[config][errors]") {
  const Case cases[] = {
      {"      rpm: -1\n", "test.yaml:5: model_list[0].litellm_params.rpm: must be between 0 and 2147483647"},
      {"      tpm: lots\n", "test.yaml:5: model_list[0].litellm_params.tpm: expected an integer"},
      {"      timeout: soon\n", "test.yaml:5: model_list[0].litellm_params.timeout: expected a number (seconds)"},
      {"      timeout: 0\n", "test.yaml:5: model_list[0].litellm_params.timeout: must be greater than 0"},
      {"      stream_timeout: -1\n", "test.yaml:5: model_list[0].litellm_params.stream_timeout: must not be negative"},
      {"      weight: 1.5\n", "test.yaml:5: model_list[0].litellm_params.weight: expected an integer"},
      {"      connect_timeout_ms: 0\n",
       "test.yaml:5: model_list[0].litellm_params.connect_timeout_ms: must be between 1 and 3600000"},
      {"      api_base: {url: x}\n", "test.yaml:5: model_list[0].litellm_params.api_base: expected a single value, found a mapping"},
      {"      api_key: os.environ/\n",
       "test.yaml:5: model_list[0].litellm_params.api_key: expected os.environ/NAME with NAME an environment variable name"},
      {"    model_info: {id: \"\"}\n", "test.yaml:5: model_list[0].model_info.id: must not be empty"},
  };
  for (const Case& c : cases) {
    INFO("line 5:\n" << c.yaml);
    CHECK(error_of(std::string(kDeploymentHead) + c.yaml) == c.message);
  }
  // The same file without the bad line loads.
  CHECK(load(kDeploymentHead).deployments.size() == 1);
}

TEST_CASE("YAML syntax errors become ConfigError with file:line", "[config][errors]") {
  CHECK(error_of("a: 1\n  b: 2\n") == "test.yaml:2: invalid YAML: illegal map value");
  CHECK_THAT(error_of("server:\n  port: [1, 2\nlog_level: info\n"), Catch::StartsWith("test.yaml:3: invalid YAML: "));
  CHECK(error_of("model_list:\n  - <<: *nowhere\n") == "test.yaml:2: invalid YAML: the referenced anchor is not defined");
  CHECK(error_of("log_level: info\n---\nlog_level: debug\n") ==
        "test.yaml:3: the file holds several YAML documents; expected one");
  CHECK(error_of("---\n---\n") == "test.yaml:3: the file holds several YAML documents; expected one");
}

TEST_CASE("text on which yaml-cpp 0.7's LoadAll never returns is refused", "[config][errors]") {
  // It reported the same empty document forever, memory growing (tests/fuzz config_yaml;
  // the input found is tests/fuzz/regressions/config_yaml/loadall-loop).
  CHECK(error_of(", a]\n") == "test.yaml:1: invalid YAML: unexpected text");
  CHECK(error_of(",\n") == "test.yaml:1: invalid YAML: unexpected text");
}

TEST_CASE("a YAML alias that refers to itself is refused, not recursed into", "[config][errors]") {
  // The node anchored &common contains *common: converting it recursed until the stack
  // overflowed (fuzz config_yaml; regressions/config_yaml/self-alias).
  const std::string error = error_of(
      "model_list:\n  - model_name: a\n    litellm_params: &common\n      model: openai/gpt-4o\n"
      "      extra: *common\n");
  CHECK_THAT(error, Catch::Contains("levels deep"));
}

TEST_CASE("a YAML merge key that includes its own mapping is refused, not recursed into", "[config][errors]") {
  // "<<: *common" inside the mapping anchored &common (fuzz config_yaml;
  // regressions/config_yaml/self-merge).
  const std::string error = error_of(
      "model_list:\n  - model_name: a\n    litellm_params: &common\n      model: openai/gpt-4o\n"
      "      <<: *common\n");
  CHECK_THAT(error, Catch::Contains("merges nested more than 64 levels deep"));
}

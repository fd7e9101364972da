// os.environ/NAME secrets, environment_variables, and secrets never reaching a message.
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

TEST_CASE("api_key from the environment: present, missing", "[config][secrets]") {
  const std::string yaml = R"(model_list:
  - model_name: a
    litellm_params:
      model: openai/x
      api_key: os.environ/LLMGW_TEST_KEY
      api_base: os.environ/LLMGW_TEST_BASE
)";
  SECTION("present") {
    EnvVar key("LLMGW_TEST_KEY", "sk-from-env");
    EnvVar base("LLMGW_TEST_BASE", "http://upstream:8000/v1");
    const Config cfg = load(yaml);
    CHECK(cfg.warnings.empty());
    CHECK(cfg.deployments.at(0).api_key == "sk-from-env");
    CHECK(cfg.deployments.at(0).api_base == "http://upstream:8000/v1");
  }
  SECTION("missing or empty: a warning naming the variable and the key, and an empty value") {
    EnvVar key("LLMGW_TEST_KEY", std::nullopt);
    EnvVar base("LLMGW_TEST_BASE", "");
    const Config cfg = load(yaml);
    CHECK(cfg.deployments.at(0).api_key.empty());
    CHECK(cfg.deployments.at(0).api_base.empty());
    CHECK(cfg.warnings == std::vector<std::string>{
                              "test.yaml:5: model_list[0].litellm_params.api_key: environment variable "
                              "LLMGW_TEST_KEY is not set or empty; treated as unset",
                              "test.yaml:6: model_list[0].litellm_params.api_base: environment variable "
                              "LLMGW_TEST_BASE is not set or empty; treated as unset",
                          });
  }
  SECTION("text that merely contains os.environ/ is a literal") {
    const Config cfg = load("model_list: [{model_name: a, litellm_params: {model: x, api_key: \"k os.environ/X\"}}]\n");
    CHECK(cfg.deployments.at(0).api_key == "k os.environ/X");
  }
}

TEST_CASE("master_key: literal, from the environment, or an error when the variable is missing", "[config][secrets]") {
  CHECK(load("general_settings: {master_key: sk-1234}\n").master_key == "sk-1234");
  {
    EnvVar master("LLMGW_TEST_MASTER", "sk-master-from-env");
    CHECK(load("general_settings:\n  master_key: os.environ/LLMGW_TEST_MASTER\n").master_key == "sk-master-from-env");
  }
  for (const auto& value : {std::optional<std::string>{}, std::optional<std::string>{""}}) {
    EnvVar master("LLMGW_TEST_MASTER", value);
    CHECK(error_of("model_list: []\ngeneral_settings:\n  master_key: os.environ/LLMGW_TEST_MASTER\n") ==
          "test.yaml:3: general_settings.master_key: environment variable LLMGW_TEST_MASTER is not set or empty");
  }
}

TEST_CASE("environment_variables are set before secrets are resolved", "[config][secrets]") {
  EnvVar key("LLMGW_TEST_ENVVARS_KEY", std::nullopt);
  EnvVar other("LLMGW_TEST_ENVVARS_OTHER", "old");
  // The section comes last in the file and still applies to model_list above it.
  const Config cfg = load(R"(model_list:
  - model_name: a
    litellm_params:
      model: openai/x
      api_key: os.environ/LLMGW_TEST_ENVVARS_KEY
general_settings:
  master_key: os.environ/LLMGW_TEST_ENVVARS_OTHER
environment_variables:
  LLMGW_TEST_ENVVARS_KEY: sk-set-by-config
  LLMGW_TEST_ENVVARS_OTHER: 12345
)");
  CHECK(cfg.warnings.empty());
  CHECK(cfg.deployments.at(0).api_key == "sk-set-by-config");
  CHECK(cfg.master_key == "12345");  // overwrites the existing value, as LiteLLM does
  REQUIRE(std::getenv("LLMGW_TEST_ENVVARS_KEY") != nullptr);
  CHECK(std::string(std::getenv("LLMGW_TEST_ENVVARS_KEY")) == "sk-set-by-config");
  CHECK(std::string(std::getenv("LLMGW_TEST_ENVVARS_OTHER")) == "12345");
}

TEST_CASE("no message ever contains a secret value", "[config][secrets]") {
  const std::vector<std::string> secrets = {"sk-SECRET-openai-1f2e", "sk-SECRET-master-9a8b", "SECRET-aws-77",
                                            "sk-SECRET-literal-4c4c", "SECRET-envvar-0d0d"};
  EnvVar a("LLMGW_TEST_S_OPENAI", secrets[0]);
  EnvVar m("LLMGW_TEST_S_MASTER", secrets[1]);
  EnvVar w("LLMGW_TEST_S_AWS", secrets[2]);
  EnvVar gone("LLMGW_TEST_S_GONE", std::nullopt);
  EnvVar set_by_file("LLMGW_TEST_S_FROM_FILE", std::nullopt);
  auto check_clean = [&](const std::string& message) {
    for (const auto& s : secrets) {
      INFO("message: " << message);
      CHECK(message.find(s) == std::string::npos);
    }
  };

  // A file that loads, with warnings all around the secrets.
  const Config cfg = load(R"(model_list:
  - model_name: a
    litellm_params:
      model: openai/x
      api_key: os.environ/LLMGW_TEST_S_OPENAI
      aws_secret_access_key: os.environ/LLMGW_TEST_S_AWS
      extra_headers: {Authorization: os.environ/LLMGW_TEST_S_GONE}
      max_retries: 2
      api_keys: sk-SECRET-literal-4c4c
  - model_name: b
    litellm_params:
      model: openai/y
      api_key: os.environ/LLMGW_TEST_S_GONE
      api_base: os.environ/LLMGW_TEST_S_FROM_FILE
general_settings:
  master_key: os.environ/LLMGW_TEST_S_MASTER
  master_key_typo: sk-SECRET-literal-4c4c
environment_variables:
  LLMGW_TEST_S_FROM_FILE: SECRET-envvar-0d0d
)");
  CHECK(cfg.master_key == secrets[1]);
  CHECK(cfg.deployments.at(0).api_key == secrets[0]);
  CHECK(cfg.deployments.at(1).api_base == secrets[4]);
  CHECK(cfg.warnings.size() == 4);  // extra_headers, max_retries, api_key (b), master_key_typo (api_keys goes to the plugin)
  for (const auto& warning : cfg.warnings) check_clean(warning);

  // Files that fail on or next to a secret.
  const std::vector<std::string> bad = {
      "model_list: [{model_name: a, litellm_params: {model: x, rpm: os.environ/LLMGW_TEST_S_OPENAI}}]\n",
      "model_list: [{model_name: a, litellm_params: {model: x, timeout: os.environ/LLMGW_TEST_S_AWS}}]\n",
      "general_settings: {master_key: [sk-SECRET-literal-4c4c]}\n",
      "server: {port: os.environ/LLMGW_TEST_S_MASTER}\n",
      "log_level: os.environ/LLMGW_TEST_S_MASTER\n",
      "environment_variables: {LLMGW_TEST_S_FROM_FILE: [SECRET-envvar-0d0d]}\n",
  };
  for (const auto& yaml : bad) check_clean(error_of(yaml));

  // Secrets written twice: the last one is used, and the warning names lines, never values.
  const std::vector<std::string> twice = {
      "model_list: [{model_name: a, litellm_params: {model: x, api_key: sk-SECRET-literal-4c4c, "
      "api_key: os.environ/LLMGW_TEST_S_OPENAI}}]\n",
      "general_settings: {master_key: os.environ/LLMGW_TEST_S_MASTER, master_key: sk-SECRET-literal-4c4c}\n",
  };
  for (const auto& yaml : twice) {
    const Config c = load(yaml);
    REQUIRE_FALSE(c.warnings.empty());
    for (const auto& warning : c.warnings) check_clean(warning);
  }
}

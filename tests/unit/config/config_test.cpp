// Loading whole files: LiteLLM configs, llmgw's own sections, defaults, warnings, paths.
#include <algorithm>

#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

TEST_CASE("a LiteLLM config with several providers loads unchanged", "[config][litellm]") {
  EnvVar openai("LLMGW_TEST_OPENAI_KEY", "sk-openai-test");
  EnvVar azure("LLMGW_TEST_AZURE_KEY", "azure-test-key");
  EnvVar aws("LLMGW_TEST_AWS_ID", "AKIA-test");
  const Config cfg = load(R"(model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/LLMGW_TEST_OPENAI_KEY
      rpm: 100
      tpm: 100000
  - model_name: gpt-4o
    litellm_params:
      model: azure/my-gpt4o-deploy
      api_base: https://example.openai.azure.com
      api_key: os.environ/LLMGW_TEST_AZURE_KEY
      api_version: "2024-10-21"
      weight: 3
      timeout: 30
      stream_timeout: 12.5
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-3-5-sonnet-20241022
      api_key: sk-ant-literal
      connect_timeout_ms: 2000
      max_tokens: 4096
      extra_headers: {anthropic-beta: prompt-caching-2024-07-31}
  - model_name: llama
    litellm_params:
      model: together_ai/meta-llama/Llama-3-8b
  - model_name: bedrock-claude
    litellm_params:
      model: bedrock/anthropic.claude-3-sonnet-20240229-v1:0
      aws_region_name: us-east-1
      aws_access_key_id: os.environ/LLMGW_TEST_AWS_ID
      temperature: 0.2
      organization: "0042"
    model_info:
      id: bedrock-east
  - model_name: plain
    litellm_params:
      model: gpt-3.5-turbo
  - model_name: local
    litellm_params:
      model: Ollama/llama3
      api_base: http://localhost:11434
)");
  REQUIRE(cfg.warnings.empty());
  REQUIRE(cfg.deployments.size() == 7);
  const auto& d = cfg.deployments;

  CHECK(d[0].alias == "gpt-4o");
  CHECK(d[0].provider == "openai");
  CHECK(d[0].model == "gpt-4o");
  CHECK(d[0].api_key == "sk-openai-test");
  CHECK(d[0].rpm == 100);
  CHECK(d[0].tpm == 100000);
  CHECK(d[0].api_base.empty());
  CHECK(d[0].id == "gpt-4o#0");
  CHECK(d[0].line == 2);
  CHECK(d[0].extra_json == "{}");

  CHECK(d[1].provider == "azure");
  CHECK(d[1].model == "my-gpt4o-deploy");
  CHECK(d[1].api_base == "https://example.openai.azure.com");
  CHECK(d[1].api_key == "azure-test-key");
  CHECK(d[1].api_version == "2024-10-21");
  CHECK(d[1].weight == 3);
  CHECK(d[1].timeout_s == 30.0);
  CHECK(d[1].stream_timeout_s == 12.5);
  CHECK(d[1].id == "gpt-4o#1");
  CHECK(d[1].line == 8);

  CHECK(d[2].provider == "anthropic");
  CHECK(d[2].model == "claude-3-5-sonnet-20241022");
  CHECK(d[2].api_key == "sk-ant-literal");
  CHECK(d[2].connect_timeout_ms == 2000);
  CHECK(d[2].extra_json ==
        R"({"max_tokens":4096,"extra_headers":{"anthropic-beta":"prompt-caching-2024-07-31"}})");
  CHECK(d[2].id == "claude-sonnet#0");

  CHECK(d[3].provider == "together_ai");
  CHECK(d[3].model == "meta-llama/Llama-3-8b");

  CHECK(d[4].provider == "bedrock");
  CHECK(d[4].model == "anthropic.claude-3-sonnet-20240229-v1:0");
  CHECK(d[4].id == "bedrock-east");
  CHECK(d[4].extra_json ==
        R"({"aws_region_name":"us-east-1","aws_access_key_id":"AKIA-test","temperature":0.2,"organization":"0042"})");

  CHECK(d[5].provider == "openai");  // LiteLLM's default provider
  CHECK(d[5].model == "gpt-3.5-turbo");

  CHECK(d[6].provider == "ollama");  // lower-cased
  CHECK(d[6].model == "llama3");
  CHECK(d[6].api_base == "http://localhost:11434");
}

TEST_CASE("an empty file is valid and gets the defaults", "[config][defaults]") {
  const ServerSettings defaults;
  for (const std::string text : {"", "# only a comment\n", "model_list:\n"}) {
    INFO("text: " << text);
    const Config cfg = load(text);
    CHECK(cfg.source_path == "test.yaml");
    CHECK(cfg.server.host == defaults.host);
    CHECK(cfg.server.port == 4000);
    CHECK(cfg.server.max_threads == 64);
    CHECK(cfg.server.max_body_bytes == 10u * 1024 * 1024);
    CHECK(cfg.log_level == "info");
    CHECK(cfg.master_key.empty());
    CHECK(cfg.plugin_dirs.empty());
    CHECK(cfg.plugins.empty());
    CHECK(cfg.deployments.empty());
    CHECK(cfg.model_group_alias.empty());
    REQUIRE(cfg.warnings.size() == 1);
    CHECK(cfg.warnings[0].find("no model_list: the gateway will serve no models") != std::string::npos);
  }
  CHECK(load("").warnings[0] == "test.yaml: no model_list: the gateway will serve no models");
  CHECK(load("model_list: []\n").warnings ==
        std::vector<std::string>{"test.yaml:1: model_list is empty: the gateway will serve no models"});
}

TEST_CASE("server settings and log_level", "[config][server]") {
  const Config cfg = load(R"(server:
  host: 127.0.0.1
  port: 8080
  max_threads: 8
  max_queued: 32
  keepalive_timeout_s: 5
  max_keepalive_requests: 100
  max_body_bytes: 512KB
  read_timeout_ms: 1000
  write_timeout_ms: 2000
  thread_stack_kb: 512
  max_json_depth: 64
log_level: DEBUG
model_list: [{model_name: m, litellm_params: {model: m}}]
)");
  CHECK(cfg.warnings.empty());
  CHECK(cfg.server.host == "127.0.0.1");
  CHECK(cfg.server.port == 8080);
  CHECK(cfg.server.max_threads == 8);
  CHECK(cfg.server.max_queued == 32);
  CHECK(cfg.server.keepalive_timeout_s == 5);
  CHECK(cfg.server.max_keepalive_requests == 100);
  CHECK(cfg.server.max_body_bytes == 512u * 1024);
  CHECK(cfg.server.read_timeout_ms == 1000);
  CHECK(cfg.server.write_timeout_ms == 2000);
  CHECK(cfg.server.thread_stack_kb == 512);
  CHECK(cfg.server.max_json_depth == 64);
  CHECK(cfg.log_level == "debug");

  const Config partial = load("server: {port: 0}\n");  // only what is given changes
  CHECK(partial.server.port == 0);
  CHECK(partial.server.host == "0.0.0.0");
  CHECK(partial.server.read_timeout_ms == 60000);
  CHECK(partial.server.max_json_depth == 128);
}

TEST_CASE("max_body_bytes takes bytes or sizes with units", "[config][server]") {
  const std::vector<std::pair<std::string, std::size_t>> good = {
      {"1048576", 1048576},         {"10MB", 10485760},   {"512KB", 524288},
      {"512 KiB", 524288},          {"2mb", 2097152},     {"1G", 1073741824},
      {"100B", 100},                {"\"64k\"", 65536},
  };
  for (const auto& [text, bytes] : good) {
    INFO("max_body_bytes: " << text);
    CHECK(load("server:\n  max_body_bytes: " + text + "\n").server.max_body_bytes == bytes);
  }
  for (const std::string text : {"10XB", "-5", "1.5MB", "\"\"", "MB", "99999999999999999999GB"}) {
    INFO("max_body_bytes: " << text);
    CHECK(error_of("server:\n  max_body_bytes: " + text + "\n") ==
          "test.yaml:2: server.max_body_bytes: expected a size such as 10485760, \"512KB\" or \"10MB\"");
  }
  CHECK(error_of("server:\n  max_body_bytes: 0\n") == "test.yaml:2: server.max_body_bytes: must be greater than 0");
}

TEST_CASE("plugin dirs and paths are resolved against the config file's folder", "[config][plugins]") {
  TempDir tmp;
  const auto file = tmp.write("conf/llmgw.yaml", R"(plugins:
  dirs: [../build/lib/llmgw/plugins, /opt/llmgw/plugins, ./local/]
  load:
    - provider-openai
    - path: ./mine/x.so
    - libfoo.so
    - /abs/y.so
model_list: []
)");
  const Config cfg = load_file(file.string());
  CHECK(cfg.source_path == file.string());
  CHECK(cfg.plugin_dirs == std::vector<std::string>{(tmp.path() / "build/lib/llmgw/plugins").string(),
                                                    "/opt/llmgw/plugins", (tmp.path() / "conf/local").string()});
  REQUIRE(cfg.plugins.size() == 4);
  CHECK(cfg.plugins[0].path == "provider-openai");  // a bare name: the plugin loader searches for it
  CHECK(cfg.plugins[0].line == 4);
  CHECK(cfg.plugins[1].path == (tmp.path() / "conf/mine/x.so").string());
  CHECK(cfg.plugins[1].line == 5);
  CHECK(cfg.plugins[2].path == (tmp.path() / "conf/libfoo.so").string());
  CHECK(cfg.plugins[3].path == "/abs/y.so");

  // load_string resolves against the folder of `name`, itself relative to the working directory.
  const Config s = load_string("plugins: {dirs: plugins}\n", "some/dir/cfg.yaml");
  CHECK(s.plugin_dirs == std::vector<std::string>{(std::filesystem::current_path() / "some/dir/plugins").string()});
}

TEST_CASE("load_file reports files it cannot read", "[config][errors]") {
  TempDir tmp;
  const std::string missing = (tmp.path() / "nope.yaml").string();
  try {
    load_file(missing);
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == missing + ": cannot open: No such file or directory");
  }
  CHECK_THROWS_WITH(load_file(tmp.path().string()), tmp.path().string() + ": is a directory, expected a YAML file");
  const auto bad = tmp.write("bad.yaml", "server:\n  port: 1\n   host: x\n");
  CHECK_THROWS_WITH(load_file(bad.string()), Catch::StartsWith(bad.string() + ":3: invalid YAML: "));
}

TEST_CASE("fallbacks: LiteLLM's list of single-key maps, a plain map, and litellm_settings", "[config][router]") {
  const Config a = load(R"(router_settings:
  fallbacks: [{gpt-4o: [gpt-4o-mini, claude]}, {claude: [gpt-4o]}]
)");
  CHECK(a.fallbacks.at("gpt-4o") == std::vector<std::string>{"gpt-4o-mini", "claude"});
  CHECK(a.fallbacks.at("claude") == std::vector<std::string>{"gpt-4o"});
  const Config b = load(R"(litellm_settings:
  fallbacks: {gpt-4o: [backup]}
)");
  CHECK(b.fallbacks.at("gpt-4o") == std::vector<std::string>{"backup"});
  CHECK_THROWS_WITH(load("router_settings:\n  fallbacks: [{gpt-4o: backup}]\n"),
                    Catch::Contains("test.yaml:2") && Catch::Contains("router_settings.fallbacks[0].gpt-4o") &&
                    Catch::Contains("expected a list"));
}

TEST_CASE("guardrails: which plugins run, in order, on which aliases and phases; plugin config", "[config][guardrails]") {
  EnvVar secret("LLMGW_TEST_GUARD_SALT", "pepper");
  const Config cfg = load(R"(plugins:
  load:
    - path: guardrail-pii
      config:
        detectors: {email: redact, us_ssn: block}
        salt: os.environ/LLMGW_TEST_GUARD_SALT
    - provider-openai
guardrails:
  - plugin: guardrail-pii
    aliases: [gpt-4o, claude]
    phases: [input]
  - plugin: other-guard
)");
  REQUIRE(cfg.plugins.size() == 2);
  CHECK(cfg.plugins[0].config_json == R"({"detectors":{"email":"redact","us_ssn":"block"},"salt":"pepper"})");
  CHECK(cfg.plugins[1].config_json == "{}");
  REQUIRE(cfg.guardrails.size() == 2);
  CHECK(cfg.guardrails[0].plugin == "guardrail-pii");
  CHECK(cfg.guardrails[0].aliases == std::vector<std::string>{"gpt-4o", "claude"});
  CHECK(cfg.guardrails[0].input);
  CHECK_FALSE(cfg.guardrails[0].output);
  CHECK(cfg.guardrails[0].line == 9);
  CHECK(cfg.guardrails[1].aliases.empty());
  CHECK(cfg.guardrails[1].input);
  CHECK(cfg.guardrails[1].output);
}

TEST_CASE("guardrails: models: is the deprecated name of aliases:, both is an error", "[config][guardrails]") {
  const Config documented = load("guardrails:\n  - plugin: g\n    aliases: [a, b]\n");
  REQUIRE(documented.guardrails.size() == 1);
  CHECK(documented.guardrails[0].aliases == std::vector<std::string>{"a", "b"});
  CHECK(std::none_of(documented.warnings.begin(), documented.warnings.end(),
                     [](const std::string& w) { return w.find("deprecated") != std::string::npos; }));
  const Config old = load("guardrails:\n  - plugin: g\n  - plugin: h\n    models: [a]\n");
  REQUIRE(old.guardrails.size() == 2);
  CHECK(old.guardrails[1].aliases == std::vector<std::string>{"a"});
  const auto deprecated = std::find_if(old.warnings.begin(), old.warnings.end(),
                                       [](const std::string& w) { return w.find("deprecated") != std::string::npos; });
  REQUIRE(deprecated != old.warnings.end());
  CHECK(*deprecated == "test.yaml:4: guardrails[1].models: deprecated name, write aliases: (the same list; as on sinks: entries)");
  CHECK_THROWS_WITH(load("guardrails:\n  - plugin: g\n    aliases: [a]\n    models: [b]\n"),
                    "test.yaml:4: guardrails[0].models: give aliases or models (its deprecated name), not both: aliases is on line 3");
  CHECK_THROWS_WITH(load("guardrails:\n  - plugin: g\n    models: [a]\n    aliases: [b]\n"),
                    "test.yaml:4: guardrails[0].aliases: give aliases or models (its deprecated name), not both: models is on line 3");
}

TEST_CASE("guardrails: errors name the file, line and key", "[config][guardrails]") {
  CHECK_THROWS_WITH(load("guardrails:\n  - models: [a]\n"), "test.yaml:2: guardrails[0].plugin: required key is missing");
  CHECK_THROWS_WITH(load("guardrails:\n  - plugin: g\n    phases: [during]\n"),
                    "test.yaml:3: guardrails[0].phases: unknown phase 'during' (phases are input and output)");
  CHECK_THROWS_WITH(load("guardrails: {plugin: g}\n"), "test.yaml:1: guardrails: expected a list of guardrails");
  CHECK_THROWS_WITH(load("plugins:\n  load:\n    - {path: g, config: [1]}\n"),
                    "test.yaml:3: plugins.load[0].config: expected a mapping");
}

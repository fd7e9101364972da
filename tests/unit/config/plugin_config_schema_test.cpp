// A plugin's config: checked against the config.schema.json it ships: one sentence per kind of
// violation with the JSON pointer; errors name the config file, the line of the offending entry
// and the schema; the schemas shipped with the plugins accept their documented configs.
#include <fstream>
#include <sstream>

#include "config/json_schema_check.hpp"
#include "config/plugin_config_schema.hpp"
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

namespace {

constexpr const char* kSchema = R"({
  "type": "object",
  "required": ["endpoint"],
  "properties": {
    "endpoint": {"type": "string", "pattern": "^http://"},
    "mode": {"type": "string", "enum": ["fast", "safe"]},
    "batch": {"type": "integer", "minimum": 1, "maximum": 100},
    "names": {"type": "array", "items": {"type": "string", "minLength": 2}},
    "nested": {"type": "object", "properties": {"a/b": {"type": "boolean"}}, "additionalProperties": false}
  },
  "additionalProperties": false
})";

SchemaViolation violation(const std::string& json) {
  const auto v = check_against_schema(kSchema, json);
  if (!v) FAIL("expected a violation for " << json);
  return *v;
}

std::string error_of_check(const Config& cfg, std::size_t index, const std::string& plugin_file) {
  try {
    check_plugin_config(cfg, index, plugin_file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected a ConfigError");
  return {};
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a conforming document has no violation", "[config][schema]") {
  CHECK_FALSE(check_against_schema(kSchema, R"({"endpoint":"http://x","mode":"fast","batch":5,"names":["ab"]})"));
}

TEST_CASE("each kind of violation is one sentence with the JSON pointer of the value", "[config][schema]") {
  auto v = violation(R"({"mode":"fast"})");
  CHECK(v.pointer == "");
  CHECK(v.message == "the required key \"endpoint\" is missing");

  v = violation(R"({"endpoint":"http://x","batch":"5"})");
  CHECK(v.pointer == "/batch");
  CHECK(v.message == "expected an integer, got a string");

  v = violation(R"({"endpoint":"http://x","batch":0})");
  CHECK(v.pointer == "/batch");
  CHECK(v.message == "must be >= 1");

  v = violation(R"({"endpoint":"http://x","mode":"quick"})");
  CHECK(v.pointer == "/mode");
  CHECK(v.message == "must be one of: fast, safe");

  v = violation(R"({"endpoint":"https://x"})");
  CHECK(v.pointer == "/endpoint");
  CHECK(v.message == "must match the pattern \"^http://\"");

  v = violation(R"({"endpoint":"http://x","names":["ab","c"]})");
  CHECK(v.pointer == "/names/1");
  CHECK(v.message == "must be at least 2 characters long");

  v = violation(R"({"endpoint":"http://x","batchh":3})");  // the unknown key itself is named
  CHECK(v.pointer == "/batchh");
  CHECK(v.message == "unknown key \"batchh\" (known: endpoint, mode, batch, names, nested)");

  v = violation(R"({"endpoint":"http://x","nested":{"a/b":true,"c~d":1}})");
  CHECK(v.pointer == "/nested/c~0d");
  CHECK(v.message == "unknown key \"c~d\" (known: a/b)");
}

TEST_CASE("anyOf of required keys says which keys", "[config][schema]") {
  const char* schema = R"({"type":"object","anyOf":[{"required":["a"]},{"required":["b"]}]})";
  const auto v = check_against_schema(schema, "{}");
  REQUIRE(v);
  CHECK(v->message == "needs at least one of: a, b");
}

TEST_CASE("a schema or document that is not JSON throws", "[config][schema]") {
  CHECK_THROWS_WITH(check_against_schema("{", "{}"), Catch::Contains("the schema is not JSON"));
  CHECK_THROWS_WITH(check_against_schema("{}", "{"), Catch::Contains("not JSON"));
}

TEST_CASE("schema_file_of: the module's name with .config.schema.json", "[config][schema]") {
  CHECK(schema_file_of("/opt/llmgw/plugins/sink-otlp.so") == "/opt/llmgw/plugins/sink-otlp.config.schema.json");
  CHECK(schema_file_of("/p/custom") == "/p/custom.config.schema.json");
}

TEST_CASE("a bad config: entry names the file, the line of the offending value, the pointer and the schema",
          "[config][schema]") {
  TempDir dir;
  const std::string plugin = dir.write("sink-x.so", "").string();
  dir.write("sink-x.config.schema.json", kSchema);
  const Config cfg = load(R"(plugins:
  load:
    - provider-openai
    - path: sink-x
      config:
        endpoint: http://127.0.0.1:1
        names:
          - ok
          - x
        batch: 3
)");
  CHECK(error_of_check(cfg, 1, plugin) ==
        "test.yaml:9: plugins.load[1].config/names/1: must be at least 2 characters long (sink-x.config.schema.json)");

  const Config typo = load("plugins:\n  load:\n    - path: sink-x\n      config:\n        endpoint: http://a\n\n        modee: fast\n");
  CHECK(error_of_check(typo, 0, plugin) ==
        "test.yaml:7: plugins.load[0].config/modee: unknown key \"modee\" (known: endpoint, mode, batch, names, nested) "
        "(sink-x.config.schema.json)");

  // A missing key: the line of config: itself.
  const Config missing = load("plugins:\n  load:\n    - path: sink-x\n      config:\n        mode: safe\n");
  CHECK(error_of_check(missing, 0, plugin) ==
        "test.yaml:4: plugins.load[0].config: the required key \"endpoint\" is missing (sink-x.config.schema.json)");
}

TEST_CASE("no config: or no schema file: nothing is checked", "[config][schema]") {
  TempDir dir;
  const std::string plugin = dir.write("sink-x.so", "").string();
  dir.write("sink-x.config.schema.json", kSchema);
  const Config cfg = load("plugins:\n  load:\n    - sink-x\n    - path: other\n      config: {anything: 1}\n");
  CHECK_NOTHROW(check_plugin_config(cfg, 0, plugin));                                    // no config:
  CHECK_NOTHROW(check_plugin_config(cfg, 1, (dir.path() / "other.so").string()));        // no schema
}

TEST_CASE("a schema file that is not JSON is an error naming it", "[config][schema]") {
  TempDir dir;
  const std::string plugin = dir.write("sink-x.so", "").string();
  dir.write("sink-x.config.schema.json", "{oops");
  const Config cfg = load("plugins:\n  load:\n    - path: sink-x\n      config: {endpoint: http://a}\n");
  CHECK_THAT(error_of_check(cfg, 0, plugin),
             Catch::StartsWith((dir.path() / "sink-x.config.schema.json").string() + ": the schema is not JSON"));
}

TEST_CASE("a sinks: entry's own config: is checked too", "[config][schema][sinks]") {
  TempDir dir;
  const std::string plugin = dir.write("sink-x.so", "").string();
  dir.write("sink-x.config.schema.json", kSchema);
  const Config cfg = load("plugins:\n  load: [sink-x]\nsinks:\n  - plugin: sink-x\n    config:\n      endpoint: http://a\n      batch: 1000\n");
  try {
    check_sink_config(cfg, 0, plugin);
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) == "test.yaml:7: sinks[0].config/batch: must be <= 100 (sink-x.config.schema.json)");
  }
}

TEST_CASE("the schemas shipped with the plugins accept their documented configs and refuse typos", "[config][schema]") {
  const std::string root = LLMGW_SOURCE_DIR;
  struct Case {
    const char* schema;
    const char* good;
    const char* bad;
    const char* pointer;
  };
  for (const Case& c : {
           Case{"/plugins/guardrail-pii/config.schema.json",
                R"({"default_action":"redact","detectors":{"us_ssn":"block","payment_card":"mask","ipv4":"off","email":"log-only"},
                    "custom":[{"name":"employee_id","pattern":"EMP-\\d{6}","action":"redact","placeholder":"EMPLOYEE_ID","caseless":true}],
                    "allow_list":["support@example.com"]})",
                R"({"detectors":{"us_ssn":"blok"}})", "/detectors/us_ssn"},
           Case{"/plugins/guardrail-pii/config.schema.json", "{}", R"({"custom":[{"name":"bad name!","pattern":"x"}]})",
                "/custom/0/name"},
           Case{"/plugins/guardrail-pii/config.schema.json", R"({"detectors":{}})", R"({"detectors":{"credit_card":"mask"}})",
                "/detectors/credit_card"},
           Case{"/plugins/sink-otlp/config.schema.json",
                R"({"endpoint":"http://127.0.0.1:4318/v1/traces","headers":{"x-key":"k"},"service_name":"gw","timeout_ms":500,"batch_size":8})",
                R"({"endpoint":"http://127.0.0.1:4318/v1/traces","batch_size":0})", "/batch_size"},
           Case{"/plugins/sink-request-log/config.schema.json", R"({"path":"/tmp/r.jsonl","include_bodies":true})",
                R"({"path":"/tmp/r.jsonl","include_bodies":"yes"})", "/include_bodies"},
           Case{"/samples/guardrail-denylist/config.schema.json",
                R"({"block":["project zeus"],"redact":["acme"],"replacement":"[X]","case_sensitive":true,"max_input_bytes":100})",
                R"({"block":[""]})", "/block/0"},
           Case{"/samples/guardrail-denylist/config.schema.json", R"({"max_input_bytes":0})", R"({"replacement":"x"})", ""},
       }) {
    INFO(c.schema << " " << c.bad);
    const std::string schema = read(root + c.schema);
    REQUIRE_FALSE(schema.empty());
    const auto good = check_against_schema(schema, c.good);
    CHECK_FALSE(good);
    if (good) INFO(good->pointer << ": " << good->message);
    const auto bad = check_against_schema(schema, c.bad);
    REQUIRE(bad);
    CHECK(bad->pointer == c.pointer);
  }
}

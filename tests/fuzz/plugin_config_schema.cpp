// libFuzzer target: a plugins.load entry's config: (YAML from the input, under a fixed head)
// read by the config loader, then checked against guardrail-pii's shipped config.schema.json as
// start-up does (config/json_schema_check, config/json_pointer_lines). Checks: only ConfigError
// escapes the loader; the schema check never throws on what the loader made (it is JSON); a
// violation's JSON pointer resolves to a line in the file (never 0), as the error message needs.
#include "config/config.hpp"
#include "config/json_pointer_lines.hpp"
#include "config/json_schema_check.hpp"
#include "fuzz_util.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string read_schema() {
  std::ifstream in(LLMGW_SOURCE_DIR "/plugins/guardrail-pii/config.schema.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string schema = read_schema();
  FUZZ_REQUIRE(!schema.empty());
  std::string yaml = "plugins:\n  load:\n    - path: guardrail-pii\n      config:\n";
  std::string line = "        ";
  for (std::size_t i = 0; i < size; ++i) {  // every input line indented under config:
    line.push_back(static_cast<char>(data[i]));
    if (data[i] == '\n') {
      yaml += line;
      line = "        ";
    }
  }
  yaml += line + "\n";
  llmgw::config::Config c;
  try {
    c = llmgw::config::load_string(yaml, "/fuzz/llmgw.yaml");
  } catch (const llmgw::config::ConfigError&) {
    return 0;
  }
  FUZZ_REQUIRE(c.plugins.size() == 1);
  const auto& spec = c.plugins[0];
  const auto v = llmgw::config::check_against_schema(schema, spec.config_json);
  if (v && !spec.config_lines.empty()) FUZZ_REQUIRE(llmgw::config::line_of(spec.config_lines, v->pointer) > 0);
  return 0;
}

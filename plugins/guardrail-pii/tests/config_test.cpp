#include <catch2/catch.hpp>

#include "test_util.hpp"

using llmgw::testing::GuardrailInstance;

TEST_CASE("config errors are one line naming the key", "[config]") {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"detectors":{"emial":"redact"}})", "detectors.emial: unknown detector"},
      {R"({"detectors":{"email":"hide"}})", "detectors.email: unknown action 'hide'"},
      {R"({"custom":[{"name":"x","pattern":"(unclosed"}]})", "detector x: pattern refused"},
      {R"({"custom":[{"name":"x","pattern":"a*"}]})", "detector x: pattern matches the empty string"},
      {R"({"custom":[{"name":"email","pattern":"abc"}]})", "custom[0].name email is already a detector"},
      {R"({"colour":1})", "colour: unknown key"},
      {R"([1])", "config is not a JSON object"},
  };
  for (const auto& [config, expected] : cases) {
    INFO(config);
    GuardrailInstance g(pii_test::vtable(), config);
    CHECK(g.rc == LLMGW_BAD_ARGUMENT);
    CHECK(g.error.find(expected) != std::string::npos);
    CHECK(g.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("the vtable: required hooks and the stream hooks", "[config]") {
  const auto& vt = pii_test::vtable();
  CHECK(vt.check != nullptr);
  CHECK(vt.stream_open != nullptr);
  CHECK(vt.stream_destroy != nullptr);
  CHECK(llmgw_plugin_entry_v1()->kind == LLMGW_KIND_GUARDRAIL);
}

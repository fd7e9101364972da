// libFuzzer target: guardrail-pii's scanner (plugins/guardrail-pii) through its vtable, as the
// core calls it. Input: [stride][first] then the text.
// Checks: check() writes only replacements inside their segment that do not overlap; a guard
// stream fed the text in pieces releases exactly what check() makes of the whole text (for texts
// shorter than the smallest hold-back cap, where no match can outgrow what a stream holds), and
// every byte fed comes out (redacted) once the channel is closed.
#include "fuzz_util.hpp"

#include <llmgw/testing.hpp>

#include <memory>
#include <string>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

const llmgw_guardrail_vtable& vtable() {
  return *static_cast<const llmgw_guardrail_vtable*>(llmgw_plugin_entry_v1()->vtable);
}

llmgw::testing::GuardrailInstance& guard() {
  static auto* g = new llmgw::testing::GuardrailInstance(
      vtable(), R"({"custom":[{"name":"ticket","pattern":"TCK-[0-9]{4,8}"}],"allow_list":["ok@example.com"]})");
  return *g;
}

}  // namespace

// The databases are compiled once, before the first input (under ASan on a busy machine that
// alone can outlast libFuzzer's per-input timeout).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  guard();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  const std::string text(in.rest(2));
  auto& g = guard();
  FUZZ_REQUIRE(g.rc == LLMGW_OK);
  const auto whole = g.check({llmgw::testing::TestSegment{text}});
  FUZZ_REQUIRE(whole.verdict == LLMGW_ALLOW || whole.verdict == LLMGW_REDACT);
  FUZZ_REQUIRE(!whole.bad_replacement);
  FUZZ_REQUIRE((whole.verdict == LLMGW_ALLOW) == whole.replacements.empty());

  llmgw::testing::GuardStreamSession s(g);
  FUZZ_REQUIRE(s.rc == LLMGW_OK);
  for (std::string_view piece : fuzz::cut(text, in.byte(0), in.byte(1))) FUZZ_REQUIRE(s.feed(0, piece) == LLMGW_OK);
  FUZZ_REQUIRE(s.close(0) == LLMGW_OK);
  if (whole.verdict == LLMGW_ALLOW) FUZZ_REQUIRE(s.text(0) == text);
  if (text.size() <= 300) FUZZ_REQUIRE(s.text(0) == whole.texts[0]);
  return 0;
}

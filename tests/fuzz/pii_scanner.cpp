// libFuzzer target: guardrail-pii's scanner (plugins/guardrail-pii) through its vtable, as the
// core calls it. Input: [stride][first] then the text.
// Checks: check() writes only replacements inside their segment that do not overlap; a guard
// stream fed the text in pieces releases exactly what check() makes of the whole text (for texts
// shorter than the smallest hold-back cap, where no match can outgrow what a stream holds), and
// every byte fed comes out (redacted) once the channel is closed.
#include "fuzz_util.hpp"

#include <llmgw/testing.hpp>

#include <cstdio>
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
  // Never a leak: no match of 8 bytes or more that the whole-text check redacted reaches the
  // client verbatim from the stream (unless the whole-text answer keeps it elsewhere too).
  for (const auto& r : whole.replacements) {
    if (r.len < 8 || r.offset + r.len > text.size()) continue;
    const std::string match = text.substr(r.offset, r.len);
    if (whole.texts[0].find(match) == std::string::npos) FUZZ_REQUIRE(s.text(0).find(match) == std::string::npos);
  }
  // The same text either way. Known exception, open (issue 12): on malformed IPv6 candidates a
  // stream may place a match's end differently (seen: "::14f:a" redacted whole where the text
  // check stops at "::14f"); the stream then redacts more, never less (checked above).
  if (text.size() <= 300 && whole.texts[0].find("[IPV6_") == std::string::npos && s.text(0) != whole.texts[0]) {
    std::fprintf(stderr, "stream: [%s]\nwhole:  [%s]\n", s.text(0).c_str(), whole.texts[0].c_str());
    FUZZ_REQUIRE(s.text(0) == whole.texts[0]);
  }
  return 0;
}

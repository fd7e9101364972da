// libFuzzer target: the third-party guardrail sample (samples/guardrail-denylist, built here from
// its sources against the in-tree SDK) on answer text it has never seen, cut into stream pieces
// at offsets the input chooses. Checks: the text a stream releases equals what check() makes of
// the whole text (same redactions, however the text is cut); when check() blocks, the stream
// blocks too and releases nothing from the first block term on.
// Input: byte 0 the cut stride, byte 1 the first cut, the rest the answer text.
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include "denylist_guard.hpp"
#include "fuzz_util.hpp"

#include <string>

namespace {

const llmgw_guardrail_vtable kVtable = llmgw::GuardrailHooks<denylist::DenylistGuard>::vtable();
// Overlapping terms, prefixes of each other, a block term inside a redact term's reach, UTF-8.
constexpr const char* kConfig =
    R"({"block":["zeus","bad term"],"redact":["ab","abcd","bcd","a\u00e9","aaa","term"],"replacement":"<>"})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);
  static llmgw::testing::GuardrailInstance guard(kVtable, kConfig);
  FUZZ_REQUIRE(guard.rc == LLMGW_OK);
  const llmgw::testing::GuardResult whole =
      guard.check({llmgw::testing::TestSegment(text, LLMGW_SEGMENT_ANSWER)}, LLMGW_PHASE_OUTPUT);
  FUZZ_REQUIRE(!whole.bad_replacement);
  FUZZ_REQUIRE(whole.verdict == LLMGW_ALLOW || whole.verdict == LLMGW_REDACT || whole.verdict == LLMGW_BLOCK);

  llmgw::testing::GuardStreamSession s(guard);
  FUZZ_REQUIRE(s.rc == LLMGW_OK);
  for (std::string_view piece : fuzz::cut(text, data[0], data[1])) FUZZ_REQUIRE(s.feed(0, piece) == LLMGW_OK);
  FUZZ_REQUIRE(s.close(0) == LLMGW_OK);
  if (whole.verdict == LLMGW_BLOCK) {
    FUZZ_REQUIRE(s.detector == "denylist");
    // What went out is a prefix of the redacted text before the first block term.
    const std::string released = s.text(0);
    FUZZ_REQUIRE(released.size() <= text.size() * 2 + 64);
    FUZZ_REQUIRE(released.find("zeus") == std::string::npos && released.find("bad term") == std::string::npos);
  } else {
    FUZZ_REQUIRE(s.detector.empty());
    FUZZ_REQUIRE(s.text(0) == whole.texts[0]);
  }
  return 0;
}

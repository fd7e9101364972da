// Reversible redaction: within one call, the placeholders the request sent upstream come back as
// the client's values in the answer — whole answers and streams, a placeholder cut at every
// offset of a stream; the answer's own new personal data is still redacted (and not restored),
// the client's own values in the answer are left as they are. The call's state is a PiiCall the
// host hands to each hook (ABI 1.2 call_open; under a 1.1 host reversible is refused at create).
#include <catch2/catch.hpp>

#include <algorithm>

#include "../pii_guard.hpp"
#include "test_util.hpp"

using namespace llmgw::pii;

namespace {

struct Guard {
  llmgw::testing::FakeHost host;
  PiiGuard guard;
  explicit Guard(std::string_view config) : guard(llmgw::Host(host.table()), config, true) {}

  /// check_call over `texts` in `phase`; the texts after the replacements.
  std::vector<std::string> check(PiiCall& call, std::vector<std::string> texts, llmgw_guard_phase phase) {
    std::vector<llmgw_segment> segments;
    for (const std::string& t : texts) {
      llmgw_segment s{};
      s.struct_size = sizeof s;
      s.source = phase == LLMGW_PHASE_INPUT ? LLMGW_SEGMENT_MESSAGE : LLMGW_SEGMENT_ANSWER;
      s.text = {t.data(), t.size()};
      segments.push_back(s);
    }
    llmgw_guard_request r{};
    r.struct_size = sizeof r;
    r.phase = phase;
    r.segments = segments.data();
    r.count = segments.size();
    r.segment_size = sizeof(llmgw_segment);
    struct Rep {
      std::size_t segment, offset, len;
      std::string text;
    };
    std::vector<Rep> reps;
    llmgw_guard_out o{};
    o.struct_size = sizeof o;
    o.ctx = &reps;
    o.replace = [](void* c, size_t seg, size_t off, size_t len, llmgw_str t) {
      static_cast<std::vector<Rep>*>(c)->push_back({seg, off, len, std::string(t.ptr, t.len)});
    };
    o.block = [](void*, size_t, llmgw_str, llmgw_str) { FAIL("blocked"); };
    llmgw::GuardOut out(&o);
    guard.check_call(r, out, &call);
    std::sort(reps.begin(), reps.end(), [](const Rep& a, const Rep& b) { return a.offset > b.offset; });
    for (std::size_t i = 0; i < reps.size(); ++i) {
      if (i > 0 && reps[i - 1].segment == reps[i].segment)
        REQUIRE(reps[i].offset + reps[i].len <= reps[i - 1].offset);  // no overlap
      texts[reps[i].segment].replace(reps[i].offset, reps[i].len, reps[i].text);
    }
    return texts;
  }

  /// `text` streamed in pieces cut at `cuts` through a stream of `call`; what was released.
  std::string stream(PiiCall& call, const std::string& text, std::vector<std::size_t> cuts) {
    llmgw_guard_request r{};
    r.struct_size = sizeof r;
    r.phase = LLMGW_PHASE_STREAM_CHUNK;
    r.segment_size = sizeof(llmgw_segment);
    auto s = guard.open_call_stream(r, &call);
    std::string released;
    llmgw_guard_stream_out o{};
    o.struct_size = sizeof o;
    o.ctx = &released;
    o.emit = [](void* c, size_t, llmgw_str t) { static_cast<std::string*>(c)->append(t.ptr, t.len); };
    o.block = [](void*, size_t, llmgw_str, llmgw_str) { FAIL("blocked"); };
    llmgw::GuardStreamOut out(&o);
    cuts.push_back(text.size());
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
      const std::string piece = text.substr(at, cut - at);
      llmgw_segment seg{};
      seg.struct_size = sizeof seg;
      seg.source = LLMGW_SEGMENT_ANSWER;
      seg.text = {piece.data(), piece.size()};
      s->feed(0, seg, out);
      at = cut;
    }
    s->close(0, out);
    return released;
  }
};

const std::string kRequest = "I am jane.roe@example.org, call me on +44 20 7946 0958 or mail bob@example.com";

}  // namespace

TEST_CASE("reversible: the answer to the same call gets the client's values back", "[reversible]") {
  Guard g(R"({"reversible": true})");
  PiiCall call;
  const auto sent = g.check(call, {kRequest}, LLMGW_PHASE_INPUT);
  CHECK(sent[0] == "I am [EMAIL_1], call me on [PHONE_1] or mail [EMAIL_2]");
  // Whole answer: every placeholder back, twice over, next to brackets that are not ours.
  const auto answer = g.check(call, {"Hi [EMAIL_1]! [PHONE_1], [EMAIL_2] and [EMAIL_1]. [EMAIL_3] [x] [EMAIL_1"},
                              LLMGW_PHASE_OUTPUT);
  CHECK(answer[0] ==
        "Hi jane.roe@example.org! +44 20 7946 0958, bob@example.com and jane.roe@example.org. [EMAIL_3] [x] [EMAIL_1");
  // New personal data in the answer is redacted, numbered after the call's own, and never
  // restored; the client's own value in the answer stays as it is.
  const auto mixed = g.check(call, {"[EMAIL_1] or eve@example.net; jane.roe@example.org"}, LLMGW_PHASE_OUTPUT);
  CHECK(mixed[0] == "jane.roe@example.org or [EMAIL_3]; jane.roe@example.org");
  const auto again = g.check(call, {"[EMAIL_3]"}, LLMGW_PHASE_OUTPUT);
  CHECK(again[0] == "[EMAIL_3]");
}

TEST_CASE("reversible: another call's placeholders are not restored; off by default", "[reversible]") {
  Guard g(R"({"reversible": true})");
  PiiCall first, second;
  g.check(first, {kRequest}, LLMGW_PHASE_INPUT);
  CHECK(g.check(second, {"[EMAIL_1] [PHONE_1]"}, LLMGW_PHASE_OUTPUT)[0] == "[EMAIL_1] [PHONE_1]");
  Guard plain("{}");
  PiiCall call;
  plain.check(call, {kRequest}, LLMGW_PHASE_INPUT);
  CHECK(plain.check(call, {"[EMAIL_1]"}, LLMGW_PHASE_OUTPUT)[0] == "[EMAIL_1]");
  CHECK(plain.stream(call, "[EMAIL_1]", {4}) == "[EMAIL_1]");
}

TEST_CASE("reversible: a stream restores placeholders cut at every offset, in two and three pieces", "[reversible]") {
  Guard g(R"({"reversible": true})");
  PiiCall call;
  g.check(call, {kRequest}, LLMGW_PHASE_INPUT);
  const std::string text = "[EMAIL_1][PHONE_1] then [EMAIL_2], new eve@example.net, [EMAIL_9] [EMAIL_1";
  const std::string expected =
      "jane.roe@example.org+44 20 7946 0958 then bob@example.com, new [EMAIL_3], [EMAIL_9] [EMAIL_1";
  for (std::size_t i = 0; i <= text.size(); ++i) {
    INFO("cut at " << i);
    CHECK(g.stream(call, text, {i}) == expected);
  }
  for (std::size_t i = 0; i <= text.size(); i += 2)
    for (std::size_t j = i; j <= text.size(); j += 3) {
      INFO("cuts at " << i << ", " << j);
      CHECK(g.stream(call, text, {i, j}) == expected);
    }
  std::vector<std::size_t> bytes;
  for (std::size_t i = 1; i < text.size(); ++i) bytes.push_back(i);
  CHECK(g.stream(call, text, bytes) == expected);
}

TEST_CASE("reversible: a stream holds back at most a placeholder, only while it can still be one", "[reversible]") {
  const std::string longest = "[EMAIL_10]";
  PlaceholderMap map;
  map.add("[EMAIL_1]", "a@example.com");
  map.add(longest, "b@example.com");
  RestoreStream s(map);
  std::string out;
  s.feed("see [EMAIL_1", out);
  CHECK(out == "see ");
  s.feed("]", out);  // "[EMAIL_1]" may still become "[EMAIL_10]"
  CHECK(out == "see ");
  s.feed(" and [E", out);
  CHECK(out == "see a@example.com and ");
  s.feed("X", out);  // "[EX" begins no placeholder
  CHECK(out == "see a@example.com and [EX");
  s.feed(" [EMAIL_10", out);
  s.flush(out);  // the channel ended: a beginning stays as it was
  CHECK(out == "see a@example.com and [EX [EMAIL_10");
}

TEST_CASE("reversible through the C ABI: refused under a 1.1 host, saying why", "[reversible]") {
  llmgw::testing::GuardrailInstance g(pii_test::vtable(), R"({"reversible": true})",
                                      [](llmgw::testing::FakeHost& h) { h.set_abi_minor(1); });
  CHECK(g.rc == LLMGW_BAD_ARGUMENT);
  CHECK(g.error.find("reversible") != std::string::npos);
  CHECK(g.error.find("1.2") != std::string::npos);
  llmgw::testing::GuardrailInstance bad(pii_test::vtable(), R"({"reversible": "yes"})");
  CHECK(bad.rc == LLMGW_BAD_ARGUMENT);
  CHECK(bad.error == "reversible must be true or false");
}

TEST_CASE("reversible through the C ABI 1.2: one call links the request to its answer", "[reversible]") {
  const auto& vt = pii_test::vtable();
  REQUIRE(LLMGW_HAS_MEMBER(&vt, llmgw_guardrail_vtable, call_close));
  REQUIRE(vt.call_open);
  REQUIRE(vt.call_close);
  llmgw::testing::GuardrailInstance g(vt, R"({"reversible": true})");
  REQUIRE(g.rc == LLMGW_OK);
  llmgw::testing::GuardCallSession call(g);
  REQUIRE(call.rc == LLMGW_OK);
  REQUIRE(call.call != nullptr);
  const auto sent = call.check({kRequest});
  REQUIRE(sent.verdict == LLMGW_REDACT);
  CHECK(sent.texts[0] == "I am [EMAIL_1], call me on [PHONE_1] or mail [EMAIL_2]");
  const auto whole = call.check({llmgw::testing::TestSegment("Dear [EMAIL_1], [EMAIL_2] and eve@example.net",
                                                             LLMGW_SEGMENT_ANSWER)},
                                LLMGW_PHASE_OUTPUT);
  CHECK(whole.texts[0] == "Dear jane.roe@example.org, bob@example.com and [EMAIL_3]");
  {
    auto stream = call.stream();
    REQUIRE(stream->rc == LLMGW_OK);
    for (const char* piece : {"Hi [EM", "AIL_1] at [PHO", "NE_1", "]!"}) REQUIRE(stream->feed(0, piece) == LLMGW_OK);
    REQUIRE(stream->close(0) == LLMGW_OK);
    CHECK(stream->text(0) == "Hi jane.roe@example.org at +44 20 7946 0958!");
  }
  // Another call (another request) gets nothing back; without a call neither.
  llmgw::testing::GuardCallSession other(g);
  CHECK(other.check({llmgw::testing::TestSegment("[EMAIL_1]", LLMGW_SEGMENT_ANSWER)}, LLMGW_PHASE_OUTPUT).texts[0] ==
        "[EMAIL_1]");
  CHECK(g.check({llmgw::testing::TestSegment("[EMAIL_1]", LLMGW_SEGMENT_ANSWER)}, LLMGW_PHASE_OUTPUT).texts[0] ==
        "[EMAIL_1]");
}

// The guardrail through its exported vtable and the SDK's test doubles (llmgw/testing.hpp), as
// the gateway drives it: config errors, block and redact on whole texts, the prompt size limit,
// and streams cut at every offset that release exactly what check() would, never a blocked term.
#include <catch2/catch.hpp>
#include <llmgw/testing.hpp>

#include <string>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

using llmgw::testing::GuardrailInstance;
using llmgw::testing::GuardStreamSession;

const llmgw_guardrail_vtable& vtable() {
  const llmgw_plugin* p = llmgw_plugin_entry_v1();
  REQUIRE(p != nullptr);
  REQUIRE(p->kind == LLMGW_KIND_GUARDRAIL);
  REQUIRE(std::string(p->name) == "guardrail-denylist");
  return *static_cast<const llmgw_guardrail_vtable*>(p->vtable);
}

constexpr const char* kConfig =
    R"({"block":["Project Zeus"],"redact":["acme corp","acme"],"replacement":"[X]","max_input_bytes":200})";

}  // namespace

TEST_CASE("a bad config fails create with one line naming the key") {
  const auto& vt = vtable();
  struct Case {
    const char* json;
    const char* says;
  };
  for (const Case& c : {Case{"[]", "expected an object"}, Case{"{", "not JSON"},
                        Case{R"({"block":"x"})", "block: expected a list"},
                        Case{R"({"block":[""]})", "block[0]: a term must not be empty"},
                        Case{R"({"redact":[1]})", "redact[0]: expected a string"},
                        Case{R"({"redact":["\u00ff"],"max_input_bytes":-1})", "max_input_bytes"},
                        Case{R"({"blok":["x"]})", "unknown key \"blok\""},
                        Case{"{}", "nothing to do"}}) {
    GuardrailInstance g(vt, c.json);
    INFO(c.json);
    CHECK(g.rc == LLMGW_BAD_ARGUMENT);
    CHECK(g.error.find(c.says) != std::string::npos);
    CHECK(g.error.find('\n') == std::string::npos);
  }
}

TEST_CASE("input: a block term blocks naming the detector, never the term") {
  GuardrailInstance g(vtable(), kConfig);
  REQUIRE(g.rc == LLMGW_OK);
  const auto r = g.check({"hello", "about PROJECT zeus, acme"});
  CHECK(r.verdict == LLMGW_BLOCK);
  CHECK(r.detector == "denylist");
  CHECK(r.blocked_segment == 1);
  CHECK(r.reason.find("Zeus") == std::string::npos);
  CHECK(r.reason.find("zeus") == std::string::npos);
}

TEST_CASE("input: redact terms are replaced, longest first, in every segment") {
  GuardrailInstance g(vtable(), kConfig);
  const auto r = g.check({"Acme Corp and acme", "nothing here", "ACME!"});
  CHECK(r.verdict == LLMGW_REDACT);
  CHECK_FALSE(r.bad_replacement);
  CHECK(r.texts[0] == "[X] and [X]");
  CHECK(r.texts[1] == "nothing here");
  CHECK(r.texts[2] == "[X]!");
  CHECK(g.check({"clean"}).verdict == LLMGW_ALLOW);
}

TEST_CASE("input: a request whose text passes max_input_bytes is blocked; answers are not limited") {
  GuardrailInstance g(vtable(), kConfig);
  const std::string half(100, 'a');
  CHECK(g.check({half, half}).verdict == LLMGW_ALLOW);  // 200 bytes: at the limit
  const auto r = g.check({half, half + "b"});
  CHECK(r.verdict == LLMGW_BLOCK);
  CHECK(r.detector == "max_input_bytes");
  CHECK(g.check({half + half + half}, LLMGW_PHASE_OUTPUT).verdict == LLMGW_ALLOW);
}

TEST_CASE("output: a whole answer is judged like a request") {
  GuardrailInstance g(vtable(), kConfig);
  const auto r = g.check({llmgw::testing::TestSegment("acme says hi", LLMGW_SEGMENT_ANSWER)}, LLMGW_PHASE_OUTPUT);
  CHECK(r.texts[0] == "[X] says hi");
  const auto b = g.check({llmgw::testing::TestSegment("see project zeus", LLMGW_SEGMENT_ANSWER)}, LLMGW_PHASE_OUTPUT);
  CHECK(b.verdict == LLMGW_BLOCK);
  CHECK(b.reason.find("answer") != std::string::npos);
}

TEST_CASE("stream: cut at every offset into two or three pieces, it releases what check() makes") {
  GuardrailInstance g(vtable(), kConfig);
  const std::string text = "Ask ACME Corp, acme c, acm, or acme corporation about it.";
  const std::string whole = g.check({text}, LLMGW_PHASE_OUTPUT).texts[0];
  REQUIRE(whole == "Ask [X], [X] c, acm, or [X]oration about it.");
  for (std::size_t a = 0; a <= text.size(); ++a) {
    for (std::size_t b = a; b <= text.size(); b += 7) {
      GuardStreamSession s(g);
      REQUIRE(s.rc == LLMGW_OK);
      CHECK(s.feed(0, text.substr(0, a)) == LLMGW_OK);
      CHECK(s.feed(0, text.substr(a, b - a)) == LLMGW_OK);
      CHECK(s.feed(0, text.substr(b)) == LLMGW_OK);
      CHECK(s.close(0) == LLMGW_OK);
      INFO("cut at " << a << ", " << b);
      CHECK(s.text(0) == whole);
      CHECK(s.detector.empty());
    }
  }
}

TEST_CASE("stream: text that cannot start a term goes out at once; a possible term waits") {
  GuardrailInstance g(vtable(), kConfig);
  GuardStreamSession s(g);
  s.feed(0, "Hello there, ac");
  CHECK(s.text(0) == "Hello there, ");  // "ac" may become "acme"
  s.feed(0, "e is fine");                // "ace": not a term
  CHECK(s.text(0) == "Hello there, ace is fine");
  s.feed(0, " acme");                    // "acme" matches, "acme corp" might still
  CHECK(s.text(0) == "Hello there, ace is fine ");
  s.close(0);
  CHECK(s.text(0) == "Hello there, ace is fine [X]");
}

TEST_CASE("stream: channels are held apart") {
  GuardrailInstance g(vtable(), kConfig);
  GuardStreamSession s(g);
  s.feed(0, "ac");
  s.feed(1, "me");  // another channel: no "acme" across them
  s.close(1);
  s.feed(0, "me");
  s.close(0);
  CHECK(s.text(0) == "[X]");
  CHECK(s.text(1) == "me");
}

TEST_CASE("stream: a block term split across pieces blocks, and none of it is released") {
  GuardrailInstance g(vtable(), kConfig);
  const std::string text = "The plan: project zeus starts now.";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    GuardStreamSession s(g);
    s.feed(0, text.substr(0, cut));
    s.feed(0, text.substr(cut));
    s.close(0);
    INFO("cut at " << cut);
    CHECK(s.detector == "denylist");
    CHECK(s.text(0).find("zeus") == std::string::npos);
    CHECK(s.text(0).find("project z") == std::string::npos);
    CHECK(s.text(0).rfind("The plan: ", 0) == 0);
  }
}

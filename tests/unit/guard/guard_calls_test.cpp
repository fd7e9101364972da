// guard::GuardCalls (ABI 1.2 per-call guardrail state): opened once per request for the
// guardrails that guard the alias and have call hooks, handed to their checks, closed on
// destruction; a failing call_open is a 500 naming the guardrail, and the calls opened before it
// are still closed.
#include <catch2/catch.hpp>

#include <llmgw/plugin.hpp>

#include <cstring>
#include <stdexcept>

#include "fake_guard.hpp"
#include "guard/guard_calls.hpp"
#include "guard/stream_guard.hpp"
#include "guard/guard_chain.hpp"
#include "loader/kinds.hpp"
#include "loader/registry.hpp"

namespace {

int g_opened = 0, g_closed = 0, g_checked_with_call = 0;

/// Fails call_open when its config is "fail"; counts opens, closes and checks that got a call.
class CallGuard {
 public:
  struct Call {
    ~Call() { ++g_closed; }
  };
  CallGuard(llmgw::Host, std::string_view config) : fail_(config == "fail") {}
  std::unique_ptr<Call> open_call(const llmgw_guard_request& request) const {
    if (fail_ || request.phase != LLMGW_PHASE_CALL) throw std::runtime_error("no call");
    ++g_opened;
    return std::make_unique<Call>();
  }
  void check(const llmgw_guard_request&, llmgw::GuardOut&, Call* call) const {
    if (call) ++g_checked_with_call;
  }

 private:
  bool fail_;
};

constexpr llmgw_guardrail_vtable kVtable = llmgw::GuardrailHooks<CallGuard>::vtable();
constexpr llmgw_plugin kPlugin = llmgw::guardrail_descriptor("call-guard", "1", "test", &kVtable);

void add_step(llmgw::guard::GuardChain& chain, std::string name, std::string_view config,
              std::vector<std::string> models = {}) {
  auto plugin = std::make_shared<llmgw::loader::LoadedPlugin>();
  plugin->path = "call-guard";
  plugin->descriptor = &kPlugin;
  plugin->kind = llmgw::loader::find_kind(LLMGW_KIND_GUARDRAIL);
  void* instance = nullptr;
  REQUIRE(kVtable.create(nullptr, {config.data(), config.size()}, &instance, nullptr) == LLMGW_OK);
  llmgw::guard::GuardStep step;
  step.instance = std::make_unique<llmgw::loader::GuardrailInstance>(plugin, instance, nullptr);
  step.name = std::move(name);
  step.scope = llmgw::config::EntryScope(std::move(models), {}, {});
  chain.add(std::move(step));
}

const std::string kBody = R"({"messages":[{"role":"user","content":"hello"}]})";

}  // namespace

TEST_CASE("calls: opened for the guardrails of the alias, handed to their checks, closed at the end", "[calls]") {
  g_opened = g_closed = g_checked_with_call = 0;
  llmgw::guard::GuardChain chain;
  add_step(chain, "a", "{}");
  add_step(chain, "b", "{}", {"other"});
  REQUIRE(chain.steps()[0].instance->has_calls());
  {
    llmgw::guard::GuardCalls calls;
    REQUIRE_FALSE(calls.open(chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
    CHECK(g_opened == 1);  // "b" does not guard "m"
    CHECK(calls.call_of(chain.steps()[0]) != nullptr);
    CHECK(calls.call_of(chain.steps()[1]) == nullptr);
    std::string out;
    bool changed = false;
    REQUIRE_FALSE(chain.check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"}, kBody, 64, out, changed, &calls));
    CHECK(g_checked_with_call == 1);
    REQUIRE_FALSE(chain.check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"}, kBody, 64, out, changed));
    CHECK(g_checked_with_call == 1);  // no calls given: no call
    CHECK(g_closed == 0);
  }
  CHECK(g_closed == 1);
}

TEST_CASE("calls: a failing call_open is a 500 naming the guardrail; the calls opened before close", "[calls]") {
  g_opened = g_closed = g_checked_with_call = 0;
  llmgw::guard::GuardChain chain;
  add_step(chain, "first", "{}");
  add_step(chain, "broken", "fail");
  add_step(chain, "third", "{}");
  {
    llmgw::guard::GuardCalls calls;
    const auto err = calls.open(chain, LLMGW_DIALECT_ANTHROPIC_MESSAGES, {"m"});
    REQUIRE(err);
    CHECK(err->status == 500);
    CHECK(err->code == "guardrail_failed");
    CHECK(err->message.find("broken") != std::string::npos);
    CHECK(g_opened == 1);  // the third was not opened
  }
  CHECK(g_closed == 1);
}

TEST_CASE("timings: each check's guardrail, target and decision; a stream's time summed into one entry", "[calls]") {
  using llmgw::guard::GuardDecision;
  using llmgw::guard::GuardTarget;
  auto chain = fake::chain();
  llmgw::guard::GuardCalls calls;
  REQUIRE_FALSE(calls.open(*chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
  const int64_t before = llmgw::guard::steady_now_us();
  std::string out;
  bool changed = false;
  REQUIRE_FALSE(chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"},
                                  R"({"messages":[{"role":"user","content":"a secret"}]})", 64, out, changed, &calls));
  REQUIRE(chain->check_body(LLMGW_PHASE_OUTPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"},
                            R"({"choices":[{"index":0,"message":{"role":"assistant","content":"forbidden"}}]})", 64,
                            out, changed, &calls));
  {
    llmgw::guard::StreamGuard stream(chain->stream_steps({"m"}), LLMGW_DIALECT_OPENAI_CHAT, "m", &calls);
    llmgw_segment piece{};
    piece.struct_size = sizeof piece;
    piece.source = LLMGW_SEGMENT_ANSWER;
    std::string released;
    for (const char* text : {"one sec", "ret, two ", "three"}) {
      piece.text = {text, std::strlen(text)};
      stream.feed(0, piece, released);
    }
    stream.close(0, piece, released);
    CHECK(released == "one [S], two three");
  }
  const auto& t = calls.timings();
  REQUIRE(t.size() == 3);
  CHECK(t[0].name == "fake-guard");
  CHECK(t[0].target == GuardTarget::input);
  CHECK(t[0].decision == GuardDecision::modify);
  CHECK(t[0].start_us >= before);
  CHECK(t[1].target == GuardTarget::output);
  CHECK(t[1].decision == GuardDecision::deny);
  CHECK(t[2].target == GuardTarget::stream);  // four hook calls (open, three feeds, close): one entry
  CHECK(t[2].decision == GuardDecision::modify);  // "secret", split across pieces, was redacted
  for (const auto& x : t) CHECK(x.duration_us >= 0);
  // A blocked stream is a deny.
  llmgw::guard::GuardCalls blocked;
  {
    llmgw::guard::StreamGuard stream(chain->stream_steps({"m"}), LLMGW_DIALECT_OPENAI_CHAT, "m", &blocked);
    llmgw_segment piece{};
    piece.struct_size = sizeof piece;
    piece.text = {"forbidden", 9};
    std::string released;
    stream.feed(0, piece, released);
    CHECK(stream.blocked());
  }
  REQUIRE(blocked.timings().size() == 1);
  CHECK(blocked.timings()[0].decision == GuardDecision::deny);
}

namespace {

/// Streams `pieces` through the fake guard on channels 0 and 1 alternately; the stream's decision.
llmgw::guard::GuardDecision stream_decision(std::initializer_list<const char*> pieces, std::string& released) {
  auto chain = fake::chain();
  llmgw::guard::GuardCalls calls;
  REQUIRE_FALSE(calls.open(*chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
  {
    llmgw::guard::StreamGuard stream(chain->stream_steps({"m"}), LLMGW_DIALECT_OPENAI_CHAT, "m", &calls);
    llmgw_segment piece{};
    piece.struct_size = sizeof piece;
    piece.source = LLMGW_SEGMENT_ANSWER;
    std::size_t channel = 0;
    for (const char* text : pieces) {
      piece.text = {text, std::strlen(text)};
      stream.feed(channel, piece, released);
      channel ^= 1;
    }
    stream.close(0, piece, released);
    stream.close(1, piece, released);
  }
  REQUIRE(calls.timings().size() == 1);
  return calls.timings()[0].decision;
}

}  // namespace

TEST_CASE("timings: a stream released as fed is allow; one redacted on any channel, even in its held tail, is modify",
          "[calls]") {
  using llmgw::guard::GuardDecision;
  std::string released;
  CHECK(stream_decision({"a long first piece of text ", "and the other channel's text ", "more", "."}, released) ==
        GuardDecision::allow);
  CHECK(released.size() == std::strlen("a long first piece of text and the other channel's text more."));
  released.clear();
  // The match lies in channel 1's last 8 bytes, held back until its close.
  CHECK(stream_decision({"plain text on channel zero", "and then a secret"}, released) == GuardDecision::modify);
  CHECK(released.find("[S]") != std::string::npos);
  released.clear();
  CHECK(stream_decision({"sec", "ret", "x", "y"}, released) == GuardDecision::allow);  // channels apart: no match
  CHECK(released == "secxrety");
  released.clear();
  // Redacted (modify), then blocked: the block wins.
  CHECK(stream_decision({"a secret and more text here", "x", "forbidden"}, released) == GuardDecision::deny);
}

TEST_CASE("ReleaseWatch: releases checked against the fed text's front, per channel", "[calls]") {
  llmgw::guard::ReleaseWatch w;
  w.fed(0, "hello ");
  w.fed(1, "other");
  CHECK_FALSE(w.released(0, "hel"));
  w.fed(0, "world");
  CHECK_FALSE(w.released(0, "lo wor"));
  CHECK_FALSE(w.released(1, "other"));
  CHECK_FALSE(w.closed(1));
  CHECK_FALSE(w.released(0, "ld"));
  CHECK_FALSE(w.closed(0));
  CHECK_FALSE(w.changed());
  // More released than fed, or other bytes: a change (reported once).
  llmgw::guard::ReleaseWatch more;
  more.fed(0, "ab");
  CHECK(more.released(0, "abc"));
  CHECK_FALSE(more.released(0, "x"));
  CHECK(more.changed());
  llmgw::guard::ReleaseWatch other;
  other.fed(2, "jane@example.org");
  CHECK(other.released(2, "[EMAIL_1]"));
  // Text kept back at close: a change.
  llmgw::guard::ReleaseWatch kept;
  kept.fed(0, "abc");
  CHECK_FALSE(kept.released(0, "a"));
  CHECK(kept.closed(0));
  // A long stream released piece by piece stays unchanged (the storage is compacted).
  llmgw::guard::ReleaseWatch long_run;
  const std::string piece(1000, 'x');
  for (int i = 0; i < 100; ++i) {
    long_run.fed(0, piece);
    CHECK_FALSE(long_run.released(0, std::string_view(piece).substr(0, 600)));
  }
  CHECK_FALSE(long_run.released(0, std::string(40000, 'x')));
  CHECK_FALSE(long_run.closed(0));
  CHECK_FALSE(long_run.changed());
}

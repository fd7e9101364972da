// Per-call guardrail state (ABI 1.2, call_open / call_close) through the core's guard path
// (guard::GuardCalls, GuardChain, GuardReply), with fixture guardrails loaded by the real loader:
// one call per client request, handed to its input check, its whole answer's check and its
// streamed answer's guard stream, closed once; a guardrail built against the frozen 1.1 header
// (no call hooks, a shorter vtable and guard request) still loads and works, without a call.
#include <catch2/catch.hpp>

#include "guard/guard_calls.hpp"
#include "guard/guard_chain.hpp"
#include "guard/guard_reply.hpp"
#include "loader/registry.hpp"
#include "observe/counters.hpp"

using namespace llmgw;
using Catch::Matchers::Contains;

namespace {

const std::string kDir = LLMGW_ABI_FIXTURES_DIR;

/// One fixture guardrail on `models` (empty: every alias), both phases, over counters of its own.
struct Guarded {
  observe::Counters counters;
  loader::Registry registry{&counters};
  guard::GuardChain chain;
  explicit Guarded(const std::string& name, std::vector<std::string> models = {}) {
    registry.load(kDir + "/" + name + ".so", "", {});
    guard::GuardStep step;
    step.instance = registry.create_guardrail(name, "{}");
    step.name = name;
    step.scope = llmgw::config::EntryScope(std::move(models), {}, {});
    chain.add(std::move(step));
  }
  uint64_t counter(std::string_view name) const {
    uint64_t value = 0;
    counters.for_each_counter([&](const observe::CounterView& c) {
      if (c.name == name) value = c.value;
    });
    return value;
  }
  /// The input check of `body` (an OpenAI chat request) within `calls`: the body sent upstream.
  std::string input(const std::string& body, guard::GuardCalls* calls) const {
    std::string out;
    bool changed = false;
    REQUIRE_FALSE(chain.check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"}, body, 64, out, changed, calls));
    return changed ? out : body;
  }
  /// The output check of a whole answer whose content is `content`: the answer's body.
  std::string answer(const std::string& content, guard::GuardCalls* calls) const {
    const std::string body =
        R"({"choices":[{"index":0,"message":{"role":"assistant","content":")" + content + R"("}}]})";
    std::string out;
    bool changed = false;
    REQUIRE_FALSE(chain.check_body(LLMGW_PHASE_OUTPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"}, body, 64, out, changed, calls));
    return changed ? out : body;
  }
};

const std::string kRequest = R"({"model":"m","messages":[{"role":"user","content":"my secret"}]})";

/// The client's side of a Reply: the raw stream bytes.
class Client final : public pipeline::Reply {
 public:
  std::string raw;
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const canonical::ApiError&) override {}
  void json(int, std::string_view) override {}
  void stream_raw(std::string_view bytes) override { raw += bytes; }
  void stream_chunk(std::string_view) override {}
  void flush() override {}
  boost::asio::awaitable<bool> drain() override { co_return true; }
  void stream_error(const canonical::ApiError&) override {}
  void stream_end(bool) override {}
  bool committed() const override { return !raw.empty(); }
  bool client_alive() const override { return true; }
  void add_header(std::string_view, std::string_view) override {}
};

/// `content` streamed as one OpenAI event and [DONE] through a GuardReply within `calls`; what the
/// client got.
std::string stream(const guard::GuardChain& chain, guard::GuardCalls* calls, const std::string& content) {
  auto client = std::make_unique<Client>();
  Client* seen = client.get();
  guard::GuardReply reply(std::move(client), chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}, 64, calls);
  reply.set_upstream_dialect(LLMGW_DIALECT_OPENAI_CHAT);
  reply.stream_raw(R"(data: {"id":"x","choices":[{"index":0,"delta":{"content":")" + content +
                   R"("},"finish_reason":null}]})" + "\n\n");
  reply.stream_raw("data: [DONE]\n\n");
  reply.stream_end(false);
  return seen->raw;
}

}  // namespace

TEST_CASE("ABI 1.2 guardrail: one call per request, in the input, the whole answer and the stream") {
  Guarded g("fixture-guardrail-calls");
  REQUIRE(g.chain.steps()[0].instance->has_calls());
  {
    guard::GuardCalls calls;
    REQUIRE_FALSE(calls.open(g.chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
    REQUIRE_FALSE(calls.open(g.chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));  // once per request
    CHECK(g.counter("fixture_calls_opened") == 1);
    CHECK(g.input(kRequest, &calls).find("my [S]") != std::string::npos);
    // The answer to the same call gets the value back; another request's answer does not.
    CHECK(g.answer("your [S]", &calls).find("your secret") != std::string::npos);
    CHECK(g.answer("your [S]", nullptr).find("your [S]") != std::string::npos);
    CHECK(stream(g.chain, &calls, "streamed [S]").find("streamed secret") != std::string::npos);
    CHECK(g.counter("fixture_calls_closed") == 0);
  }
  CHECK(g.counter("fixture_calls_closed") == 1);
  CHECK(g.counter("fixture_calls_foreign") == 0);
  // A second request: its own call, opened and closed.
  {
    guard::GuardCalls calls;
    REQUIRE_FALSE(calls.open(g.chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
    CHECK(g.answer("your [S]", &calls).find("your [S]") != std::string::npos);  // nothing replaced in this call
  }
  CHECK(g.counter("fixture_calls_opened") == 2);
  CHECK(g.counter("fixture_calls_closed") == 2);
  CHECK(g.counter("fixture_calls_foreign") == 0);
}

TEST_CASE("ABI 1.2 guardrail: no call for an alias it does not guard") {
  Guarded g("fixture-guardrail-calls", {"other"});
  {
    guard::GuardCalls calls;
    REQUIRE_FALSE(calls.open(g.chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
  }
  CHECK(g.counter("fixture_calls_opened") == 0);
  CHECK(g.counter("fixture_calls_closed") == 0);
}

TEST_CASE("a guardrail built against the frozen 1.1 header loads and works, with no call") {
  Guarded g("fixture-guardrail-calls-1.1");
  const loader::GuardrailInstance& instance = *g.chain.steps()[0].instance;
  CHECK(instance.plugin().descriptor->abi_minor == 1);
  CHECK(instance.vtable().struct_size < sizeof(llmgw_guardrail_vtable));
  CHECK_FALSE(instance.has_calls());
  CHECK(instance.has_stream());
  {
    guard::GuardCalls calls;
    REQUIRE_FALSE(calls.open(g.chain, LLMGW_DIALECT_OPENAI_CHAT, {"m"}));
    CHECK(g.input(kRequest, &calls).find("my [S]") != std::string::npos);  // input redaction works
    CHECK(g.answer("your [S]", &calls).find("your [S]") != std::string::npos);  // no call: nothing restored
    CHECK(stream(g.chain, &calls, "streamed [S] secret").find("streamed [S] secret") != std::string::npos);
  }
  CHECK(g.counter("fixture_calls_opened") == 0);
  CHECK(g.counter("fixture_calls_closed") == 0);
}

TEST_CASE("call_open without call_close is refused at load") {
  loader::Registry registry;
  const std::string path = kDir + "/fixture-guardrail-calls-partial.so";
  CHECK_THROWS_WITH(registry.load(path, "", {}),
                    Contains("partial call hooks: call_open set but call_close NULL (set both or neither)"));
}

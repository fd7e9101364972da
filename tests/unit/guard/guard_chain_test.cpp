#include <catch2/catch.hpp>

#include "fake_guard.hpp"

using namespace llmgw::guard;

TEST_CASE("input: a redaction rewrites only the changed strings; cache_control and the rest survive", "[chain]") {
  auto chain = fake::chain();
  const std::string body = R"({"model":"claude","system":[{"type":"text","text":"sys secret","cache_control":{"type":"ephemeral"}}],)"
                           R"("messages":[{"role":"user","content":[{"type":"text","text":"a secret and another secret",)"
                           R"("cache_control":{"type":"ephemeral","ttl":"1h"}}]}], "max_tokens" : 5, "unknown_field":{"k":[1,2]}})";
  std::string out;
  bool changed = false;
  const auto err = chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_ANTHROPIC_MESSAGES, {"claude"}, body, 64, out, changed);
  REQUIRE_FALSE(err);
  REQUIRE(changed);
  std::string expected = body;
  expected.replace(expected.find("sys secret"), 10, "sys [S]");
  expected.replace(expected.find("a secret and another secret"), 27, "a [S] and another [S]");
  CHECK(out == expected);
}

TEST_CASE("input: nothing to redact leaves the body as it is", "[chain]") {
  auto chain = fake::chain();
  std::string out;
  bool changed = true;
  CHECK_FALSE(chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"},
                                R"({"messages":[{"role":"user","content":"fine"}]})", 64, out, changed));
  CHECK_FALSE(changed);
}

TEST_CASE("a block is a 400 naming the guardrail and detector, never the text", "[chain]") {
  auto chain = fake::chain();
  std::string out;
  bool changed = false;
  const auto err = chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"},
                                     R"({"messages":[{"role":"user","content":"a forbidden thing"}]})", 64, out, changed);
  REQUIRE(err);
  CHECK(err->status == 400);
  CHECK(err->code == "guardrail_blocked");
  CHECK(err->message == "blocked by guardrail fake-guard: detector word (a forbidden word)");
}

TEST_CASE("models and phases select which guardrails run", "[chain]") {
  auto chain = fake::chain(false, true);
  CHECK_FALSE(chain->guards({"m"}, true));
  CHECK(chain->guards({"m"}, false));
  std::string out;
  bool changed = false;
  CHECK_FALSE(chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_CHAT, {"m"},
                                R"({"messages":[{"role":"user","content":"a forbidden thing"}]})", 64, out, changed));
  CHECK(chain->stream_steps({"m"}).size() == 1);
}

TEST_CASE("embeddings input: redacted in place and blocked like chat", "[chain][embeddings]") {
  auto chain = fake::chain();
  const std::string body = R"({"model":"m","input":["a secret","fine", "secret again"],"dimensions":8})";
  std::string out;
  bool changed = false;
  REQUIRE_FALSE(chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_EMBEDDINGS, {"m"}, body, 64, out, changed));
  REQUIRE(changed);
  CHECK(out == R"({"model":"m","input":["a [S]","fine", "[S] again"],"dimensions":8})");
  const auto err = chain->check_body(LLMGW_PHASE_INPUT, LLMGW_DIALECT_OPENAI_EMBEDDINGS, {"m"},
                                     R"({"model":"m","input":"a forbidden thing"})", 64, out, changed);
  REQUIRE(err);
  CHECK(err->code == "guardrail_blocked");
}

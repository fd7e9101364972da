// encode_request: URL and headers precomputed at create, the call body sent as is.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

TEST_CASE("chat: url, headers, zero-copy body", "[encode]") {
  Plugin p(R"({"provider":"openai","model":"gpt-4o","api_key":"sk-x"})");
  REQUIRE(p.rc == LLMGW_OK);
  const std::string body = R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":true})";
  const Request r = encode(p, make_call(body, LLMGW_OP_CHAT, true));
  CHECK(r.rc == LLMGW_OK);
  CHECK(r.method == "POST");
  CHECK(r.url == "https://api.openai.com/v1/chat/completions");
  CHECK(r.use_call_body);
  CHECK(r.body.empty());
  CHECK(r.header("Authorization") == "Bearer sk-x");
}

TEST_CASE("embeddings go to /embeddings", "[encode]") {
  Plugin p(R"({"provider":"openai","model":"text-embedding-3-small","api_key":"sk-x"})");
  llmgw_call call = make_call(R"({"model":"text-embedding-3-small","input":"hi"})", LLMGW_OP_EMBEDDINGS);
  CHECK(encode(p, call).url == "https://api.openai.com/v1/embeddings");
  call.body_dialect = LLMGW_DIALECT_OPENAI_EMBEDDINGS;
  const Request r = encode(p, call);
  CHECK(r.rc == LLMGW_OK);
  CHECK(r.use_call_body);
}

TEST_CASE("count_tokens is unsupported; a foreign dialect is refused", "[encode]") {
  Plugin p(R"({"provider":"openai","model":"m","api_key":"sk-x"})");
  const Request r = encode(p, make_call("{}", LLMGW_OP_COUNT_TOKENS));
  CHECK(r.rc == LLMGW_UNSUPPORTED);
  CHECK(r.error.find("count_tokens") != std::string::npos);
  CHECK(r.url.empty());
  llmgw_call call = make_call("{}");
  call.body_dialect = LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  CHECK(encode(p, call).rc == LLMGW_BAD_ARGUMENT);
}

TEST_CASE("instances are independent and reusable across calls", "[encode]") {
  Plugin a(R"({"provider":"groq","model":"m","api_key":"gsk-a"})");
  Plugin b(R"({"provider":"deepseek","model":"m","api_key":"ds-b"})");
  for (int i = 0; i < 3; ++i) {
    CHECK(encode(a, make_call("{}")).header("Authorization") == "Bearer gsk-a");
    CHECK(encode(b, make_call("{}")).url == "https://api.deepseek.com/v1/chat/completions");
  }
}

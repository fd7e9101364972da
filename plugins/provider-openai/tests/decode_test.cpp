// decode_response on 2xx: relay unchanged, usage from the body, undecodable bodies → 502.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {
const char* kConfig = R"({"provider":"openai","model":"gpt-4o","api_key":"sk-test-abcdef"})";
}

TEST_CASE("chat completion: relayed, usage with cached and reasoning tokens", "[decode]") {
  Plugin p(kConfig);
  const Result r = decode(p, 200, fixture("chat_completion.json"));
  CHECK(r.rc == LLMGW_OK);
  CHECK(r.use_upstream_body);
  CHECK(r.body.empty());
  CHECK_FALSE(r.error);
  REQUIRE(r.usage);
  CHECK(r.usage->struct_size == sizeof(llmgw_usage));
  CHECK(r.usage->prompt_tokens == 2006);
  CHECK(r.usage->completion_tokens == 300);
  CHECK(r.usage->cached_tokens == 1920);
  CHECK(r.usage->cache_creation_tokens == -1);
  CHECK(r.usage->reasoning_tokens == 192);
}

TEST_CASE("embeddings: prompt tokens only", "[decode]") {
  Plugin p(kConfig);
  const Result r = decode(p, 200, fixture("embeddings.json"));
  CHECK(r.rc == LLMGW_OK);
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 8);
  CHECK(r.usage->completion_tokens == -1);
  CHECK(r.usage->cached_tokens == -1);
  CHECK(r.usage->reasoning_tokens == -1);
}

TEST_CASE("2xx without usage: relayed, no usage reported", "[decode]") {
  Plugin p(kConfig);
  const Result r = decode(p, 201, R"({"id":"x","choices":[]})");
  CHECK(r.rc == LLMGW_OK);
  CHECK(r.use_upstream_body);
  CHECK_FALSE(r.usage);
}

TEST_CASE("2xx that is not a JSON object → BAD_RESPONSE 502", "[decode]") {
  Plugin p(kConfig);
  for (const char* body : {"", "<html>gateway</html>", R"({"choices":[)", "[1,2]", "\"text\"", "{} trailing"}) {
    INFO(body);
    const Result r = decode(p, 200, body);
    CHECK(r.rc == LLMGW_ERROR);
    CHECK_FALSE(r.use_upstream_body);
    CHECK_FALSE(r.usage);
    REQUIRE(r.error);
    CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
    CHECK(r.error->status == 502);
    CHECK(r.error->retry_after_ms == -1);
    CHECK_FALSE(r.error->message.empty());
  }
}

TEST_CASE("2xx carrying an error object is an error", "[decode]") {
  Plugin p(kConfig);
  const Result r = decode(p, 200, R"({"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min"}})");
  CHECK(r.rc == LLMGW_ERROR);
  CHECK_FALSE(r.use_upstream_body);
  REQUIRE(r.error);
  CHECK(r.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(r.error->status == 429);
  const Result s = decode(p, 200, R"({"error":{"message":"The server had an error","type":"server_error"}})");
  REQUIRE(s.error);
  CHECK(s.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(s.error->status == 500);
}

TEST_CASE("2xx nested deeper than the limit → BAD_RESPONSE 502 upstream_json_too_deep", "[decode][depth]") {
  Plugin p(kConfig);
  const std::string deep = R"({"id":"x","choices":[],"x":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  const Result r = decode(p, 200, deep);
  CHECK(r.rc == LLMGW_ERROR);
  CHECK_FALSE(r.use_upstream_body);
  REQUIRE(r.error);
  CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(r.error->status == 502);
  CHECK(r.error->code == "upstream_json_too_deep");
  // A deep error body (non-2xx) is classified by its status, its text the message.
  const Result e = decode(p, 500, deep);
  REQUIRE(e.error);
  CHECK(e.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(e.error->status == 500);
}

// Whole responses: GenerateContentResponse → canonical chat.completion and usage.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

Result decode_fixture(const std::string& body, int status = 200, const Headers& headers = {}) {
  Plugin p;
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"hi"}]})");
  return p.decode(call.c, status, body, headers);
}

}  // namespace

TEST_CASE("text with thoughts, cached and reasoning tokens") {
  const Result r = decode_fixture(fixture("generate_text.json"));
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(json_equal(r.body, R"({"id":"chatcmpl-mDUtaZ2_BIqHz7IPxcjd4Qk","object":"chat.completion","created":1764000000,
    "model":"gemini-2.5-flash","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?",
    "reasoning_content":"The user wants a greeting. "},"logprobs":null,"finish_reason":"stop"}],
    "usage":{"prompt_tokens":2006,"completion_tokens":137,"total_tokens":2143,"prompt_tokens_details":{"cached_tokens":1920},
    "completion_tokens_details":{"reasoning_tokens":128}}})"));
  REQUIRE(r.usage);
  CHECK(r.usage->prompt_tokens == 2006);
  CHECK(r.usage->completion_tokens == 137);
  CHECK(r.usage->cached_tokens == 1920);
  CHECK(r.usage->reasoning_tokens == 128);
  CHECK(r.usage->cache_creation_tokens == -1);
}

TEST_CASE("parallel function calls → tool_calls with stable ids carrying the thought signature") {
  const Result r = decode_fixture(fixture("generate_tools.json"));
  REQUIRE(r.rc == LLMGW_OK);
  const auto doc = parse(r.body);
  const auto& msg = doc["choices"][0]["message"];
  CHECK(msg["content"].IsNull());
  CHECK(doc["choices"][0]["finish_reason"] == "tool_calls");
  REQUIRE(msg["tool_calls"].Size() == 2);
  const std::string id0 = msg["tool_calls"][0]["id"].GetString();
  const std::string id1 = msg["tool_calls"][1]["id"].GetString();
  CHECK(id0.starts_with("call_"));
  CHECK(id0.ends_with("__thought__CiQBVKhc7sig+/AA=="));
  CHECK(id1.find("__thought__") == std::string::npos);
  CHECK(id0.substr(0, 29) != id1.substr(0, 29));
  CHECK(msg["tool_calls"][1]["function"]["arguments"] == R"({"location":"London","unit":"celsius"})");
  CHECK(msg["tool_calls"][0]["function"]["name"] == "get_weather");
  // The same response decodes to the same ids.
  CHECK(parse(decode_fixture(fixture("generate_tools.json")).body)["choices"][0]["message"]["tool_calls"][0]["id"] == id0.c_str());
}

TEST_CASE("finish reasons") {
  auto finish = [](const char* reason) {
    const std::string body = std::string(R"({"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"},"finishReason":")") +
                             reason + R"("}]})";
    const Result r = decode_fixture(body);
    REQUIRE(r.rc == LLMGW_OK);
    return std::string(parse(r.body)["choices"][0]["finish_reason"].GetString());
  };
  CHECK(finish("STOP") == "stop");
  CHECK(finish("MAX_TOKENS") == "length");
  for (const char* f : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"}) CHECK(finish(f) == "content_filter");
  CHECK(finish("SOMETHING_NEW") == "stop");
}

TEST_CASE("a blocked prompt answers an empty choice finishing content_filter") {
  const Result r = decode_fixture(fixture("generate_blocked.json"));
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(parse(r.body)["choices"][0]["finish_reason"] == "content_filter");
  CHECK(r.usage->prompt_tokens == 12);
}

TEST_CASE("several candidates become several choices") {
  const Result r = decode_fixture(R"({"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP","index":0},
    {"content":{"parts":[{"text":"b"}]},"finishReason":"MAX_TOKENS","index":1}]})");
  const auto doc = parse(r.body);
  REQUIRE(doc["choices"].Size() == 2);
  CHECK(doc["choices"][1]["message"]["content"] == "b");
  CHECK(doc["choices"][1]["finish_reason"] == "length");
}

TEST_CASE("undecodable 2xx bodies are BAD_RESPONSE 502") {
  for (const std::string& body : {std::string("not json"), std::string("[1,2]"), std::string(R"({"candidates":[]})"), std::string("")}) {
    const Result r = decode_fixture(body);
    CHECK(r.rc == LLMGW_ERROR);
    REQUIRE(r.error);
    CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
    CHECK(r.error->status == 502);
  }
}

TEST_CASE("a 2xx body nested 100,000 arrays deep is a classified upstream error, not a crash") {
  std::string deep = R"({"candidates":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const Result r = decode_fixture(deep);
  CHECK(r.rc == LLMGW_ERROR);
  REQUIRE(r.error);
  CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK_THAT(r.error->message, Catch::Contains("deeper than 128"));
  // …and as an error body.
  const Result e = decode_fixture(std::string(100000, '['), 500);
  CHECK(e.rc == LLMGW_ERROR);
  CHECK(e.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(e.error->status == 500);
}

TEST_CASE("a 2xx body with Google's error shape is classified") {
  const Result r = decode_fixture(R"({"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}})");
  CHECK(r.rc == LLMGW_ERROR);
  CHECK(r.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(r.error->status == 429);
}

// decode_response: passthrough relays the body and reads usage; translation builds the
// canonical chat.completion (golden, compared as JSON with "created" from the host clock).
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

const std::string kConfig = R"({"provider":"anthropic","api_key":"sk-ant-api03-DecodeCanary"})";

void check_usage(const llmgw_usage& u, int64_t prompt, int64_t completion, int64_t cached, int64_t creation) {
  CHECK(u.prompt_tokens == prompt);
  CHECK(u.completion_tokens == completion);
  CHECK(u.cached_tokens == cached);
  CHECK(u.cache_creation_tokens == creation);
  CHECK(u.reasoning_tokens == -1);
}

Result translate(Plugin& p, const std::string& body, const std::string& request = R"({"messages":[]})") {
  Call call = canonical(request);
  return decode(p, call.c, 200, body);
}

void check_body(const Result& r, const std::string& expected) {
  REQUIRE(r.rc == LLMGW_OK);
  CHECK_FALSE(r.use_upstream_body);
  INFO("got      " << compact(r.body));
  INFO("expected " << compact(expected));
  CHECK(json_equal(r.body, expected));
}

std::string message_with_stop(const std::string& stop_reason, const std::string& stop_sequence = "null") {
  return R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"t"}],"stop_reason":")" +
         stop_reason + R"(","stop_sequence":)" + stop_sequence + R"(,"usage":{"input_tokens":1,"output_tokens":2}})";
}

}  // namespace

TEST_CASE("passthrough 2xx: relayed unchanged, usage with cache counts", "[decode]") {
  Plugin p(kConfig);
  Call call = native("{}");
  const Result r = decode(p, call.c, 200, fixture("message_text.json"));
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.use_upstream_body);
  CHECK(r.body.empty());
  REQUIRE(r.usage);
  check_usage(*r.usage, 86 + 1920 + 0, 300, 1920, 0);

  const Result w = decode(p, call.c, 200, fixture("message_tool_use.json"));
  REQUIRE(w.usage);
  check_usage(*w.usage, 472 + 1200, 89, 0, 1200);
}

TEST_CASE("passthrough 2xx that is not a message: bad response or a classified error", "[decode]") {
  Plugin p(kConfig);
  Call call = native("{}");
  const Result junk = decode(p, call.c, 200, "<html>oops</html>");
  REQUIRE(junk.error);
  CHECK(junk.rc == LLMGW_ERROR);
  CHECK(junk.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(junk.error->status == 502);
  const Result err = decode(p, call.c, 200, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  REQUIRE(err.error);
  CHECK(err.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(err.error->status == 529);
  CHECK(err.error->type == "overloaded_error");
}

TEST_CASE("count_tokens: relayed, no usage charged", "[decode]") {
  Plugin p(kConfig);
  for (llmgw_dialect d : {LLMGW_DIALECT_ANTHROPIC_MESSAGES, LLMGW_DIALECT_OPENAI_CHAT}) {
    Call call("{}", d, false, {}, LLMGW_OP_COUNT_TOKENS);
    const Result r = decode(p, call.c, 200, R"({"input_tokens":2095})");
    CHECK(r.rc == LLMGW_OK);
    CHECK(r.use_upstream_body);
    CHECK_FALSE(r.usage);
  }
}

TEST_CASE("translate: text blocks joined, cache usage per CANONICAL.md", "[decode]") {
  Plugin p(kConfig);
  const Result r = translate(p, fixture("message_text.json"));
  check_body(r, R"({"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1764000000,"model":"claude-sonnet-4-5-20250929",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"logprobs":null,"finish_reason":"stop"}],
    "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920},"cache_creation_input_tokens":0}})");
  REQUIRE(r.usage);
  check_usage(*r.usage, 2006, 300, 1920, 0);
}

TEST_CASE("translate: parallel tool_use → tool_calls, content null", "[decode]") {
  Plugin p(kConfig);
  const Result r = translate(p, fixture("message_tool_use.json"));
  check_body(r, R"({"id":"msg_01Aq9w938a90dw8q","object":"chat.completion","created":1764000000,"model":"claude-sonnet-4-5-20250929",
    "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
      {"id":"toolu_01A09q90qw90lq917835lq9","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"}},
      {"id":"toolu_01B19q90qw90lq917835lr0","type":"function","function":{"name":"get_time","arguments":"{\"timezone\":\"America/Los_Angeles\"}"}}]},
      "logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":1672,"completion_tokens":89,"total_tokens":1761,"prompt_tokens_details":{"cached_tokens":0},"cache_creation_input_tokens":1200}})");
}

TEST_CASE("translate: thinking → reasoning_content + thinking_blocks (signatures unchanged)", "[decode]") {
  Plugin p(kConfig);
  const Result r = translate(p, fixture("message_thinking.json"));
  check_body(r, R"({"id":"msg_01ThinkingDecode","object":"chat.completion","created":1764000000,"model":"claude-sonnet-4-5-20250929",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Yes, there are infinitely many prime numbers such that...",
      "reasoning_content":"To approach this, let's think about what we know about prime numbers...",
      "thinking_blocks":[
        {"type":"thinking","thinking":"To approach this, let's think about what we know about prime numbers...","signature":"zbbJhbGciOiJFU8zI1NiIsImtakcjsu38219c0.eyJoYXNoIjoiYWJjMTIzIiwiaWF0IjoxNjE0NTM0NTY3fQ...."},
        {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"}]},
      "logprobs":null,"finish_reason":"length"}],
    "usage":{"prompt_tokens":40,"completion_tokens":1024,"total_tokens":1064,"prompt_tokens_details":{"cached_tokens":0},"cache_creation_input_tokens":0}})");
}

TEST_CASE("translate: the json_schema tool comes back as content with finish_reason stop", "[decode]") {
  Plugin p(kConfig);
  const std::string request =
      R"({"messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"weather_report","schema":{"type":"object"}}}})";
  const Result r = translate(p, fixture("message_json_tool.json"), request);
  check_body(r, R"({"id":"msg_01JsonDecode","object":"chat.completion","created":1764000000,"model":"claude-sonnet-4-5-20250929",
    "choices":[{"index":0,"message":{"role":"assistant","content":"{\"city\":\"Oslo\",\"celsius\":-3}"},"logprobs":null,"finish_reason":"stop"}],
    "usage":{"prompt_tokens":300,"completion_tokens":25,"total_tokens":325,"prompt_tokens_details":{"cached_tokens":0},"cache_creation_input_tokens":0}})");
  // Without the response_format the same body is an ordinary tool call.
  const Result plain = translate(p, fixture("message_json_tool.json"));
  CHECK(plain.body.find("\"tool_calls\"") != std::string::npos);
  CHECK(plain.body.find("\"finish_reason\":\"tool_calls\"") != std::string::npos);
}

TEST_CASE("translate: every stop reason", "[decode]") {
  Plugin p(kConfig);
  const std::pair<const char*, const char*> table[] = {
      {"end_turn", "stop"},         {"stop_sequence", "stop"},     {"pause_turn", "stop"},
      {"max_tokens", "length"},     {"model_context_window_exceeded", "length"},
      {"tool_use", "tool_calls"},   {"refusal", "content_filter"}, {"something_new", "stop"}};
  for (const auto& [stop, finish] : table) {
    INFO(stop);
    const Result r = translate(p, message_with_stop(stop));
    REQUIRE(r.rc == LLMGW_OK);
    CHECK(r.body.find(std::string("\"finish_reason\":\"") + finish + "\"") != std::string::npos);
    CHECK(r.body.find("stop_sequence") == std::string::npos);
  }
  const Result seq = translate(p, message_with_stop("stop_sequence", "\"###\""));
  CHECK(seq.body.find(R"("finish_reason":"stop","stop_sequence":"###")") != std::string::npos);
}

TEST_CASE("translate: undecodable 2xx bodies", "[decode]") {
  Plugin p(kConfig);
  const Result junk = translate(p, "not json");
  REQUIRE(junk.error);
  CHECK(junk.error->cls == LLMGW_ERR_BAD_RESPONSE);
  const Result no_content = translate(p, R"({"id":"msg","type":"message"})");
  REQUIRE(no_content.error);
  CHECK(no_content.error->cls == LLMGW_ERR_BAD_RESPONSE);
  const Result err = translate(p, R"({"type":"error","error":{"type":"api_error","message":"Internal server error"}})");
  REQUIRE(err.error);
  CHECK(err.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(err.error->status == 500);
}

TEST_CASE("2xx nested deeper than the limit → BAD_RESPONSE 502 upstream_json_too_deep", "[decode][depth]") {
  Plugin p(kConfig);
  const std::string deep = R"({"type":"message","content":[],"x":)" + std::string(100'000, '[') +
                           std::string(100'000, ']') + "}";
  Call passthrough = native("{}");
  Call translated = canonical(R"({"messages":[{"role":"user","content":"hi"}]})");
  for (Call* call : {&passthrough, &translated}) {
    const Result r = decode(p, call->c, 200, deep);
    CHECK(r.rc == LLMGW_ERROR);
    CHECK_FALSE(r.use_upstream_body);
    REQUIRE(r.error);
    CHECK(r.error->cls == LLMGW_ERR_BAD_RESPONSE);
    CHECK(r.error->status == 502);
    CHECK(r.error->code == "upstream_json_too_deep");
  }
  // A deep error body is classified by its status; its text is the message.
  const Result e = decode(p, passthrough.c, 529, deep);
  REQUIRE(e.error);
  CHECK(e.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(e.error->message.compare(0, 8, R"({"type":)") == 0);
}

#include <catch2/catch.hpp>

#include "frontends/anthropic_messages/from_canonical_response.hpp"
#include "test_json.hpp"

using namespace llmgw::frontends::anthropic;

namespace {
std::string convert(std::string_view canonical, std::string_view model = "claude-client") {
  std::string out;
  auto e = from_canonical_response(canonical, model, out);
  INFO(canonical);
  if (e) FAIL_CHECK("unexpected error: " << e->message);
  return out;
}
std::string with_finish(const char* finish, const char* extra = "") {
  return std::string(R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-up","choices":[{"index":0,)") + extra +
         R"("message":{"role":"assistant","content":"x"},"finish_reason":)" + finish + "}]}";
}
std::string stop_reason_of(const std::string& canonical) {
  rapidjson::Document d;
  d.Parse(convert(canonical).c_str());
  return d["stop_reason"].GetString();
}
}  // namespace

TEST_CASE("a text completion becomes a message with the client's model and usage") {
  CHECK_JSON(convert(R"({"id":"chatcmpl-abc","object":"chat.completion","created":1,"model":"gpt-4o-2024",
      "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"logprobs":null,"finish_reason":"stop"}],
      "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}})"),
             R"({"id":"msg_chatcmpl-abc","type":"message","role":"assistant","model":"claude-client",
      "content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}})");
}

TEST_CASE("an Anthropic id is kept; no id, no choices, no usage still make a valid message") {
  CHECK_JSON(convert(R"({"id":"msg_01XY","choices":[{"message":{"content":""},"finish_reason":"stop"}]})"),
             R"({"id":"msg_01XY","type":"message","role":"assistant","model":"claude-client","content":[],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}})");
  CHECK_JSON(convert(R"({"choices":[]})"),
             R"({"id":"msg_llmgw","type":"message","role":"assistant","model":"claude-client","content":[],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}})");
}

TEST_CASE("tool calls become tool_use blocks with parsed input") {
  CHECK_JSON(convert(R"({"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","tool_calls":[
      {"id":"call_A","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\", \"n\": 1.5}"}},
      {"id":"toolu_B","type":"function","function":{"name":"noargs","arguments":""}},
      {"id":"call_C","type":"function","function":{"name":"broken","arguments":"{\"city\": \"Par"}},
      {"id":"call_D","type":"function","function":{"name":"arr","arguments":"[1]"}}]},
      "finish_reason":"tool_calls"}],
      "usage":{"prompt_tokens":100,"completion_tokens":20}})"),
             R"({"id":"msg_c1","type":"message","role":"assistant","model":"claude-client","content":[
      {"type":"text","text":"Let me check."},
      {"type":"tool_use","id":"call_A","name":"get_weather","input":{"city":"Paris","n":1.5}},
      {"type":"tool_use","id":"toolu_B","name":"noargs","input":{}},
      {"type":"tool_use","id":"call_C","name":"broken","input":{"_raw":"{\"city\": \"Par"}},
      {"type":"tool_use","id":"call_D","name":"arr","input":{"_raw":"[1]"}}],
      "stop_reason":"tool_use","stop_sequence":null,
      "usage":{"input_tokens":100,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":20}})");
}

TEST_CASE("thinking blocks come first, with signatures and redacted data; refusal is text") {
  CHECK_JSON(convert(R"({"id":"msg_1","choices":[{"index":0,"message":{"role":"assistant","content":"4",
      "reasoning_content":"Add them.",
      "thinking_blocks":[{"type":"thinking","thinking":"Add them.","signature":"sig=="},{"type":"redacted_thinking","data":"opaque"}],
      "refusal":"but no more"},"finish_reason":"stop"}]})"),
             R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-client","content":[
      {"type":"thinking","thinking":"Add them.","signature":"sig=="},
      {"type":"redacted_thinking","data":"opaque"},
      {"type":"text","text":"4"},
      {"type":"text","text":"but no more"}],
      "stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}})");
  // reasoning_content alone (e.g. a DeepSeek-style upstream) → a thinking block without signature.
  CHECK_JSON(convert(R"({"id":"x","choices":[{"message":{"content":"ok","reasoning_content":"hmm"},"finish_reason":"stop"}]})"),
             R"({"id":"msg_x","type":"message","role":"assistant","model":"claude-client","content":[
      {"type":"thinking","thinking":"hmm","signature":""},{"type":"text","text":"ok"}],
      "stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}})");
}

TEST_CASE("every finish reason maps to its stop reason") {
  CHECK(stop_reason_of(with_finish("\"stop\"")) == "end_turn");
  CHECK(stop_reason_of(with_finish("\"length\"")) == "max_tokens");
  CHECK(stop_reason_of(with_finish("\"tool_calls\"")) == "tool_use");
  CHECK(stop_reason_of(with_finish("\"function_call\"")) == "tool_use");
  CHECK(stop_reason_of(with_finish("\"content_filter\"")) == "refusal");
  CHECK(stop_reason_of(with_finish("null")) == "end_turn");
  CHECK(stop_reason_of(with_finish("\"something_new\"")) == "end_turn");
  // stop with the matched stop sequence
  std::string out = convert(with_finish("\"stop\"", R"("stop_sequence":"END",)"));
  CHECK_JSON(out, R"({"id":"msg_chatcmpl-1","type":"message","role":"assistant","model":"claude-client",
      "content":[{"type":"text","text":"x"}],"stop_reason":"stop_sequence","stop_sequence":"END",
      "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}})");
  // some upstreams answer "stop" to a tool call
  CHECK(stop_reason_of(R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]})") ==
        "tool_use");
}

TEST_CASE("usage: input tokens exclude cache reads and writes, never below zero") {
  CHECK_JSON(convert(R"({"id":"msg_u","choices":[{"message":{"content":"x"},"finish_reason":"stop"}],
      "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
               "prompt_tokens_details":{"cached_tokens":1920},"completion_tokens_details":{"reasoning_tokens":128},
               "cache_creation_input_tokens":50}})"),
             R"({"id":"msg_u","type":"message","role":"assistant","model":"claude-client","content":[{"type":"text","text":"x"}],
      "stop_reason":"end_turn","stop_sequence":null,
      "usage":{"input_tokens":36,"cache_creation_input_tokens":50,"cache_read_input_tokens":1920,"output_tokens":300}})");
  rapidjson::Document d;
  d.Parse(convert(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":8},
                      "cache_creation_input_tokens":5}})").c_str());
  CHECK(d["usage"]["input_tokens"].GetInt() == 0);
  CHECK(d["usage"]["cache_read_input_tokens"].GetInt() == 8);
  CHECK(d["usage"]["cache_creation_input_tokens"].GetInt() == 5);
  d.Parse(convert(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":null}})").c_str());
  CHECK(d["usage"]["input_tokens"].GetInt() == 10);
}

TEST_CASE("a body that is not a JSON object is a 502 api_error") {
  for (const char* body : {"", "nope", "[1]", "{\"id\":"}) {
    std::string out = "junk";
    auto e = from_canonical_response(body, "m", out);
    REQUIRE(e);
    CHECK(e->status == 502);
    CHECK(e->type == "api_error");
    CHECK(out.empty());
  }
}

TEST_CASE("an upstream answer nested past the limit is a 502, not a crash") {
  const std::string deep = R"({"id":"x","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}],"extra":)" +
                           std::string(100'000, '[') + std::string(100'000, ']') + "}";
  std::string out = "junk";
  auto e = from_canonical_response(deep, "claude-client", out);
  REQUIRE(e);
  CHECK(e->status == 502);
  CHECK(e->code == "upstream_json_too_deep");
  CHECK(out.empty());
  // The caller's limit.
  const std::string shallow = R"({"id":"x","choices":[],"extra":[[[1]]]})";
  CHECK(from_canonical_response(shallow, "c", out, 3));
  CHECK_FALSE(from_canonical_response(shallow, "c", out, 4));
}

TEST_CASE("tool arguments nested past the limit are kept as text") {
  const std::string args = std::string(200, '[') + std::string(200, ']');
  const std::string canonical = R"({"id":"x","choices":[{"message":{"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":")" +
                                args + R"("}}]},"finish_reason":"tool_calls"}]})";
  rapidjson::Document d;
  d.Parse(convert(canonical).c_str());
  REQUIRE(d.IsObject());
  CHECK(std::string(d["content"][0]["input"]["_raw"].GetString()) == args);
}

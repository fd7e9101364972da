// The answer's id, model and finish reasons (telemetry/response_facts): whole answers and stream
// events of both dialects, the pre-filter, escapes, nesting and malformed input.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "telemetry/response_facts.hpp"

using llmgw::telemetry::ResponseFacts;
using Reasons = std::vector<std::string>;

TEST_CASE("an OpenAI answer: top-level id and model, one reason per choice in index order") {
  ResponseFacts f;
  f.read_answer(R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-2024",
    "choices":[{"index":1,"message":{"role":"assistant","content":"say \"model\":\"x\""},"finish_reason":"length"},
               {"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"c","function":{"arguments":"{\"id\":\"no\"}"}}]},"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":1,"completion_tokens":2}})");
  CHECK(f.id == "chatcmpl-1");
  CHECK(f.model == "gpt-4o-2024");
  CHECK(f.finish_reasons == Reasons{"tool_calls", "length"});
}

TEST_CASE("an Anthropic answer: stop_reason; ids and reasons inside content are not the answer's") {
  ResponseFacts f;
  f.read_answer(R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-x",
    "content":[{"type":"tool_use","id":"toolu_1","name":"t","input":{"id":"in","model":"m","stop_reason":"fake"}}],
    "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":4}})");
  CHECK(f.id == "msg_01");
  CHECK(f.model == "claude-x");
  CHECK(f.finish_reasons == Reasons{"tool_use"});
}

TEST_CASE("OpenAI stream events: the first non-null reason of each choice; [DONE] and comments ignored") {
  ResponseFacts f;
  const auto chunk = [](const std::string& delta, const std::string& finish) {
    return "data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,"
           "\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
  };
  f.read_event(chunk(R"({"role":"assistant","content":""})", "null"), LLMGW_DIALECT_OPENAI_CHAT);
  CHECK(f.id == "chatcmpl-9");
  CHECK(f.model == "gpt-4o");
  CHECK(f.finish_reasons.empty());
  f.read_event(chunk(R"({"content":"\"finish_reason\": \"fake\""})", "null"), LLMGW_DIALECT_OPENAI_CHAT);
  CHECK(f.finish_reasons.empty());
  f.read_event(chunk("{}", "\"stop\""), LLMGW_DIALECT_OPENAI_CHAT);
  f.read_event(chunk("{}", "\"length\""), LLMGW_DIALECT_OPENAI_CHAT);  // choice 0 ended already
  f.read_event(": keep-alive\n\n", LLMGW_DIALECT_OPENAI_CHAT);
  f.read_event("data: [DONE]\n\n", LLMGW_DIALECT_OPENAI_CHAT);
  CHECK(f.finish_reasons == Reasons{"stop"});
}

TEST_CASE("a canonical chunk carries the same facts") {
  ResponseFacts f;
  f.read_chunk(R"({"id":"chatcmpl-c","model":"m1","choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]})");
  CHECK(f.id == "chatcmpl-c");
  CHECK(f.model == "m1");
  CHECK(f.finish_reasons == Reasons{"content_filter"});
}

TEST_CASE("Anthropic stream events: message_start's id and model, message_delta's stop_reason; CRLF lines") {
  ResponseFacts f;
  f.read_event("event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_7\",\"type\":\"message\","
               "\"role\":\"assistant\",\"model\":\"claude-3\",\"content\":[],\"stop_reason\":null}}\r\n\r\n",
               LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  f.read_event("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
               "\"text\":\"x\",\"stop_reason\":\"fake\"}}\n\n",
               LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  CHECK(f.finish_reasons.empty());  // only message_delta is read for the reason
  f.read_event("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\","
               "\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\n",
               LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  CHECK(f.id == "msg_7");
  CHECK(f.model == "claude-3");
  CHECK(f.finish_reasons == Reasons{"max_tokens"});
}

TEST_CASE("an event's data lines are joined") {
  ResponseFacts f;
  f.read_event("data: {\"id\":\"a\",\ndata: \"model\":\"b\",\"choices\":[]}\n\n", LLMGW_DIALECT_OPENAI_CHAT);
  CHECK(f.id == "a");
  CHECK(f.model == "b");
}

TEST_CASE("escaped values are decoded; over-long ones are not kept") {
  ResponseFacts f;
  f.read_answer(R"({"id":"a\"b\\c\u00e9\ud83d\ude00","model":")" + std::string(300, 'm') + R"(","stop_reason":"x\/y"})");
  CHECK(f.id == "a\"b\\c\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(f.model.empty());
  CHECK(f.finish_reasons == Reasons{"x/y"});
}

TEST_CASE("a value too long once decoded, or badly escaped, leaves what was kept before (found by fuzz_response_facts)") {
  ResponseFacts f;
  f.read_answer(R"({"id":"first","model":"m"})");
  f.read_answer(R"({"id":"x\u00e9)" + std::string(300, 'y') + R"("})");  // escaped, 302 bytes decoded
  CHECK(f.id == "first");
  f.read_answer(R"({"id":"bad\q","model":"m\u12"})");
  CHECK(f.id == "first");
  CHECK(f.model == "m");
}

TEST_CASE("malformed or hostile JSON stops the walk, never throws or reads past the end") {
  const char* inputs[] = {"", "{", "{\"id\"", "{\"id\":", "{\"id\":\"abc", "{\"id\":\"x\",\"model\"", "[1,2",
                          "{\"choices\":[{\"index\":7", "{\"id\":\"a\\", "{\"id\":\"\\u12\"}", "{\"a\":tru",
                          "{\"choices\":[{\"finish_reason\":\"stop\"", "\"str\"", "{\"id\":\"x\"}garbage"};
  for (const char* in : inputs) {
    ResponseFacts f;
    f.read_answer(in);
    f.read_event(std::string("data: ") + in + "\n\n", LLMGW_DIALECT_OPENAI_CHAT);
    f.read_event(std::string("event: message_start\ndata: ") + in + "\n\n", LLMGW_DIALECT_ANTHROPIC_MESSAGES);
  }
  ResponseFacts f;
  f.read_answer(std::string(100000, '[') + std::string(100000, ']'));
  CHECK(f.id.empty());
  f.read_answer(R"({"id":"kept","model":)");  // what came before the break stays
  CHECK(f.id == "kept");
}

TEST_CASE("choices without an index are taken in array order; at most 16 reasons") {
  ResponseFacts f;
  std::string json = R"({"choices":[)";
  for (int i = 0; i < 20; ++i) json += std::string(i ? "," : "") + R"({"finish_reason":"r)" + std::to_string(i) + "\"}";
  json += "]}";
  f.read_answer(json);
  REQUIRE(f.finish_reasons.size() == 16);
  CHECK(f.finish_reasons.front() == "r0");
  CHECK(f.finish_reasons.back() == "r15");
}

#include <catch2/catch.hpp>

#include "frontends/anthropic_messages/to_canonical_request.hpp"
#include "test_json.hpp"

using namespace llmgw::frontends::anthropic;

namespace {
std::string translate(std::string_view body, std::string_view model = "gpt-up") {
  std::string out;
  auto e = to_canonical_request(body, model, out);
  INFO(body);
  if (e) FAIL_CHECK("unexpected error: " << e->message);
  return out;
}
llmgw::canonical::ApiError refuse(std::string_view body) {
  std::string out = "junk";
  auto e = to_canonical_request(body, "gpt-up", out);
  INFO(body);
  REQUIRE(e);
  CHECK(out.empty());
  CHECK(e->status == 400);
  CHECK(e->type == "invalid_request_error");
  return *e;
}
}  // namespace

TEST_CASE("system blocks with cache_control, sampling, stop, user, stream") {
  std::string out = translate(R"({
    "model": "claude-client", "max_tokens": 512, "temperature": 0.7, "top_p": 0.9, "top_k": 40,
    "stop_sequences": ["END", "STOP"], "metadata": {"user_id": "u-1"}, "stream": true,
    "service_tier": "auto", "unknown_field": {"a": 1},
    "system": [{"type": "text", "text": "You are terse."},
               {"type": "text", "text": "Big doc", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
    "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
                 {"role": "user", "content": [{"type": "text", "text": "More", "cache_control": {"type": "ephemeral"}}]}]})");
  CHECK_JSON(out, R"({
    "model": "gpt-up",
    "messages": [
      {"role": "system", "content": [{"type": "text", "text": "You are terse."},
                                     {"type": "text", "text": "Big doc", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
      {"role": "user", "content": "Hi"},
      {"role": "assistant", "content": "Hello"},
      {"role": "user", "content": [{"type": "text", "text": "More", "cache_control": {"type": "ephemeral"}}]}],
    "max_tokens": 512, "temperature": 0.7, "top_p": 0.9, "top_k": 40, "stop": ["END", "STOP"],
    "stream": true, "stream_options": {"include_usage": true}, "user": "u-1"})");
  CHECK(out.find("\"temperature\":0.7,") != std::string::npos);  // numbers are copied exactly
}

TEST_CASE("a string system prompt becomes a system message; an empty one and stream:false vanish") {
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"system":"Be kind","stream":false,
                           "messages":[{"role":"user","content":"x"}]})"),
             R"({"model":"gpt-up","messages":[{"role":"system","content":"Be kind"},{"role":"user","content":"x"}],
                 "max_tokens":1})");
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"system":"","messages":[{"role":"user","content":"x"}]})"),
             R"({"model":"gpt-up","messages":[{"role":"user","content":"x"}],"max_tokens":1})");
}

TEST_CASE("images (base64 and url) and documents (base64 pdf, plain text)") {
  std::string out = translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[
    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"},"cache_control":{"type":"ephemeral"}},
    {"type":"image","source":{"type":"url","url":"https://x.test/cat.png"}},
    {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"},"title":"report.pdf"},
    {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain doc"}},
    {"type":"text","text":"Describe"}]}]})");
  CHECK_JSON(out, R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"user","content":[
    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA"},"cache_control":{"type":"ephemeral"}},
    {"type":"image_url","image_url":{"url":"https://x.test/cat.png"}},
    {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBE","filename":"report.pdf"}},
    {"type":"text","text":"plain doc"},
    {"type":"text","text":"Describe"}]}]})");
}

TEST_CASE("tool round trip: parallel tool_use, tool_result with is_error and several blocks, before user text") {
  std::string out = translate(R"({"model":"c","max_tokens":100,
    "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
             {"type":"custom","name":"get_time","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"},"strict":true}],
    "messages":[
      {"role":"user","content":"Weather and time in Paris?"},
      {"role":"assistant","content":[
        {"type":"text","text":"Checking."},
        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris","units":{"c":true}}},
        {"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}]},
      {"role":"user","content":[
        {"type":"text","text":"Here you go"},
        {"type":"tool_result","tool_use_id":"toolu_01","content":[{"type":"text","text":"18C"},{"type":"text","text":"sunny"}]},
        {"type":"tool_result","tool_use_id":"toolu_02","content":"clock broken","is_error":true},
        {"type":"tool_result","tool_use_id":"toolu_03","is_error":false,"cache_control":{"type":"ephemeral"},"content":"ok"}]}]})");
  CHECK_JSON(out, R"({"model":"gpt-up","max_tokens":100,
    "messages":[
      {"role":"user","content":"Weather and time in Paris?"},
      {"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"toolu_01","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"units\":{\"c\":true}}"}},
        {"id":"toolu_02","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"toolu_01","content":"18C\nsunny"},
      {"role":"tool","tool_call_id":"toolu_02","content":"clock broken","is_error":true},
      {"role":"tool","tool_call_id":"toolu_03","content":[{"type":"text","text":"ok","cache_control":{"type":"ephemeral"}}]},
      {"role":"user","content":[{"type":"text","text":"Here you go"}]}],
    "tools":[
      {"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
      {"type":"function","function":{"name":"get_time","parameters":{"type":"object"},"strict":true},"cache_control":{"type":"ephemeral"}}]})");
}

TEST_CASE("a user message of only tool results adds no user message; images in a tool_result follow it") {
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[
      {"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"shot:"},
        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO"}}]},
      {"type":"tool_result","tool_use_id":"b"}]}]})"),
             R"({"model":"gpt-up","max_tokens":1,"messages":[
      {"role":"tool","tool_call_id":"a","content":"shot:"},
      {"role":"tool","tool_call_id":"b","content":""},
      {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]}]})");
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[
      {"type":"tool_result","tool_use_id":"a","content":"x"}]}]})"),
             R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"tool","tool_call_id":"a","content":"x"}]})");
}

TEST_CASE("cache_control inside a tool_result moves to the joined tool message part") {
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[
      {"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"1"},
        {"type":"text","text":"2","cache_control":{"type":"ephemeral"}}]}]}]})"),
             R"({"model":"gpt-up","max_tokens":1,"messages":[
      {"role":"tool","tool_call_id":"a","content":[{"type":"text","text":"1\n2","cache_control":{"type":"ephemeral"}}]}]})");
}

TEST_CASE("tool_choice variants and disable_parallel_tool_use") {
  const std::string head = R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],)";
  const std::string tools = R"("tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}])";
  const std::string base = R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"user","content":"x"}],)" + tools;
  CHECK_JSON(translate(head + R"("tool_choice":{"type":"auto"}})"), base + R"(,"tool_choice":"auto"})");
  CHECK_JSON(translate(head + R"("tool_choice":{"type":"auto","disable_parallel_tool_use":true}})"),
             base + R"(,"tool_choice":"auto","parallel_tool_calls":false})");
  CHECK_JSON(translate(head + R"("tool_choice":{"type":"any"}})"), base + R"(,"tool_choice":"required"})");
  CHECK_JSON(translate(head + R"("tool_choice":{"type":"none"}})"), base + R"(,"tool_choice":"none"})");
  CHECK_JSON(translate(head + R"("tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true}})"),
             base + R"(,"tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false})");
  CHECK_JSON(translate(head + R"("tool_choice":{"type":"any","disable_parallel_tool_use":false}})"),
             base + R"(,"tool_choice":"required"})");
  // A schema-less tool gets an empty object schema.
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"g"}]})"),
             R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"user","content":"x"}],
                 "tools":[{"type":"function","function":{"name":"g","parameters":{"type":"object","properties":{}}}}]})");
  refuse(head + R"("tool_choice":{"type":"sometimes"}})");
  refuse(head + R"("tool_choice":{"type":"tool"}})");
}

TEST_CASE("thinking: the request setting passes through, assistant thinking becomes thinking_blocks") {
  std::string out = translate(R"({"model":"c","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2048},
    "messages":[{"role":"user","content":"2+2?"},
      {"role":"assistant","content":[
        {"type":"thinking","thinking":"Add them.","signature":"sig-1"},
        {"type":"redacted_thinking","data":"opaque=="},
        {"type":"thinking","thinking":"Sure.","signature":"sig-2"},
        {"type":"text","text":"4"},
        {"type":"text","text":"!"}]},
      {"role":"user","content":"thanks"}]})");
  CHECK_JSON(out, R"({"model":"gpt-up","max_tokens":4000,"thinking":{"type":"enabled","budget_tokens":2048},
    "messages":[{"role":"user","content":"2+2?"},
      {"role":"assistant","content":[{"type":"text","text":"4"},{"type":"text","text":"!"}],
       "reasoning_content":"Add them.\nSure.",
       "thinking_blocks":[{"type":"thinking","thinking":"Add them.","signature":"sig-1"},
                          {"type":"redacted_thinking","data":"opaque=="},
                          {"type":"thinking","thinking":"Sure.","signature":"sig-2"}]},
      {"role":"user","content":"thanks"}]})");
}

TEST_CASE("assistant content: null beside tool calls, parts when a text block is cached") {
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[
      {"type":"tool_use","id":"t1","name":"f","input":{"a":[1,2]}}]}]})"),
             R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":null,
                 "tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{\"a\":[1,2]}"}}]}]})");
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[
      {"type":"text","text":"a","cache_control":{"type":"ephemeral"}}]}]})"),
             R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"user","content":"x"},
                 {"role":"assistant","content":[{"type":"text","text":"a","cache_control":{"type":"ephemeral"}}]}]})");
}

TEST_CASE("structured output format becomes response_format json_schema") {
  const char* schema = R"({"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false})";
  std::string expected = std::string(R"({"model":"gpt-up","max_tokens":1,"messages":[{"role":"user","content":"x"}],
      "response_format":{"type":"json_schema","json_schema":{"name":"output","strict":true,"schema":)") + schema + "}}}";
  CHECK_JSON(translate(std::string(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],
      "output_config":{"format":{"type":"json_schema","schema":)") + schema + "}}}"),
             expected);
  CHECK_JSON(translate(std::string(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],
      "output_format":{"type":"json_schema","schema":)") + schema + "}}"),
             expected);
}

TEST_CASE("what has no canonical form is refused with the block or tool named") {
  struct Case { const char* body; const char* needle; const char* param; };
  const Case cases[] = {
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"url","url":"https://x/a.pdf"}}]}]})",
       "'document' block with source type 'url'", "messages.0.content.0.source"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]})",
       "'image' block with source type 'file'", "messages.0.content.0.source"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"search_result","source":"s","title":"t","content":[]}]}]})",
       "content block type 'search_result'", "messages.0.content.1.type"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"server_tool_use","id":"s","name":"web_search","input":{}}]}]})",
       "content block type 'server_tool_use'", "messages.1.content.0.type"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":[{"type":"document","source":{"type":"text","data":"d"}}]}]}]})",
       "'document' block in a tool_result", "messages.0.content.0.content.0.type"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search_20250305","name":"web_search"}]})",
       "tool type 'web_search_20250305'", "tools.0.type"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"input_schema":{}}]})",
       "tools.0.name: Field required", "tools.0.name"},
      {R"({"model":"c","max_tokens":1,"system":[{"type":"image"}],"messages":[{"role":"user","content":"x"}]})",
       "only text blocks", "system.0"},
      {R"({"model":"c","max_tokens":1,"system":5,"messages":[{"role":"user","content":"x"}]})", "system: Input should be", "system"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"text":"no type"}]}]})", "with a type", "messages.0.content.0"},
      {R"({"model":"c","max_tokens":1,"messages":[{"role":"tool","content":"x"}]})", "'user', 'assistant' or 'system'", "messages.0.role"},
      {R"({"model":"c","max_tokens":1,"messages":{}})", "messages: Input should be a valid list", "messages"},
      {R"({"model":"c","max_tokens":1})", "messages: Input should be a valid list", "messages"},
  };
  for (const auto& c : cases) {
    auto e = refuse(c.body);
    INFO(e.message);
    CHECK(e.message.find(c.needle) != std::string::npos);
    CHECK(e.param == c.param);
  }
  CHECK(refuse("nope").message.find("not valid JSON") != std::string::npos);
  CHECK(refuse("[]").message.find("JSON object") != std::string::npos);
}

TEST_CASE("the model parameter is escaped") {
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}]})", "a\"b"),
             R"({"model":"a\"b","max_tokens":1,"messages":[{"role":"user","content":"x"}]})");
}

TEST_CASE("a system message inside the conversation stays a system message at its place") {
  // Anthropic's mid-conversation-system beta; Claude Code sends it with its default model.
  CHECK_JSON(translate(R"({"model":"c","max_tokens":1,"messages":[
      {"role":"user","content":"Say hello."},
      {"role":"system","content":"Agent types: ..."},
      {"role":"system","content":[{"type":"text","text":"More rules"}]}]})"),
             R"({"model":"gpt-up","messages":[
      {"role":"user","content":"Say hello."},
      {"role":"system","content":"Agent types: ..."},
      {"role":"system","content":[{"type":"text","text":"More rules"}]}],"max_tokens":1})");
}

TEST_CASE("a body nested past the limit is refused as json_too_deep, not walked") {
  const std::string body = R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"metadata":)" +
                           std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto e = refuse(body);
  CHECK(e.code == "json_too_deep");
  CHECK(e.message.find("deeper than 128 levels") != std::string::npos);
  // A tool schema at the limit is copied (Accept walks it), one level deeper is refused.
  auto schema = [](std::size_t levels) {
    std::string s;
    for (std::size_t i = 0; i < levels; ++i) s += R"({"a":)";
    s += "1";
    s.append(levels, '}');
    return s;
  };
  // Root, tools array, tool object: three levels above the schema.
  const std::string at = R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"t","input_schema":)" +
                         schema(125) + "}]}";
  CHECK_FALSE(translate(at).empty());
  const std::string past = R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"t","input_schema":)" +
                           schema(126) + "}]}";
  CHECK(refuse(past).code == "json_too_deep");
}

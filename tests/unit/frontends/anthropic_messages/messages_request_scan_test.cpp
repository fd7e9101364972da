#include <catch2/catch.hpp>

#include <chrono>

#include "frontends/anthropic_messages/messages_request_scan.hpp"

using namespace llmgw::frontends::anthropic;

TEST_CASE("messages scan: a valid Messages request yields model, its byte span, stream, max_tokens") {
  std::string body = R"({ "model" :  "claude-x" , "max_tokens": 1024, "stream": true,
    "system": [{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],
    "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"yo"}]},
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"r"}]}]}],
    "metadata": {"model": "not this", "user_id": "u"}, "tools": [{"name":"a","input_schema":{"type":"object"}}]})";
  MessagesRequestInfo info;
  REQUIRE_FALSE(scan_messages_request(body, info));
  CHECK(info.model == "claude-x");
  CHECK(body.substr(info.model_begin, info.model_end - info.model_begin) == "\"claude-x\"");
  CHECK(info.stream);
  CHECK(info.max_tokens == 1024);
  CHECK(info.message_count == 3);
  CHECK(info.cache_requested);  // the system block's cache_control
}

TEST_CASE("messages scan: a prompt-caching key counts as a key only, not as text") {
  MessagesRequestInfo info;
  REQUIRE_FALSE(scan_messages_request(
      R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":"\"cache_control\": please"}]})", info));
  CHECK_FALSE(info.cache_requested);
  MessagesRequestInfo deep;
  REQUIRE_FALSE(scan_messages_request(
      R"({"model":"c","max_tokens":1,"messages":[{"role":"user","content":[{"type":"text","text":"t","cache_control":{"type":"ephemeral"}}]}]})",
      deep));
  CHECK(deep.cache_requested);
}

TEST_CASE("messages scan: defaults: no stream, max_tokens as an integral float, null stream") {
  MessagesRequestInfo info;
  REQUIRE_FALSE(scan_messages_request(R"({"model":"m","max_tokens":8.0,"stream":null,"messages":[{"role":"user","content":"x"}]})", info));
  CHECK_FALSE(info.stream);
  CHECK(info.max_tokens == 8);
}

TEST_CASE("messages scan: rewrite_model replaces only the model value, byte for byte elsewhere") {
  std::string body = "{\"messages\":[{\"role\":\"user\",\"content\":\"model\"}],\n \"model\":\"a\\u0041\",\"max_tokens\":1, \"x\":{\"model\":\"keep\"}}";
  MessagesRequestInfo info;
  REQUIRE_FALSE(scan_messages_request(body, info));
  CHECK(info.model == "aA");
  CHECK(rewrite_model(body, info, "claude-\"up\"") ==
        "{\"messages\":[{\"role\":\"user\",\"content\":\"model\"}],\n \"model\":\"claude-\\\"up\\\"\",\"max_tokens\":1, \"x\":{\"model\":\"keep\"}}");
  CHECK(llmgw::util::replace_json_string_span("abc", 2, 1, "x") == "abc");  // a bad span leaves the body alone
}

TEST_CASE("messages scan: count_tokens does not need max_tokens") {
  MessagesRequestInfo info;
  std::string body = R"({"model":"m","messages":[{"role":"user","content":"x"}]})";
  REQUIRE(scan_messages_request(body, info));
  REQUIRE_FALSE(scan_messages_request(body, info, ScanOptions{false}));
  CHECK(info.max_tokens == -1);
  REQUIRE_FALSE(scan_messages_request(R"({"model":"m","max_tokens":null,"messages":[{"role":"user","content":"x"}]})", info,
                                      ScanOptions{false}));
}

TEST_CASE("messages scan: what Anthropic rejects up front is a 400 invalid_request_error naming the field") {
  struct Case { const char* body; const char* needle; const char* param; };
  const Case cases[] = {
      {"", "not valid JSON", ""},
      {"{", "not valid JSON", ""},
      {"not json", "not valid JSON", ""},
      {R"({"model":"m"} x)", "data after the JSON object", ""},
      {"[1]", "must be a JSON object", ""},
      {"\"s\"", "must be a JSON object", ""},
      {"42", "must be a JSON object", ""},
      {R"({"max_tokens":1,"messages":[{"role":"user","content":"x"}]})", "model: Field required", "model"},
      {R"({"model":7,"max_tokens":1,"messages":[{"role":"user","content":"x"}]})", "model: Input should be a valid string", "model"},
      {R"({"model":{"a":1},"max_tokens":1,"messages":[{"role":"user","content":"x"}]})", "model: Input should be a valid string", "model"},
      {R"({"model":"","max_tokens":1,"messages":[{"role":"user","content":"x"}]})", "model: String should have at least 1", "model"},
      {R"({"model":"m","messages":[{"role":"user","content":"x"}]})", "max_tokens: Field required", "max_tokens"},
      {R"({"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]})", "max_tokens: Input should be a valid integer", "max_tokens"},
      {R"({"model":"m","max_tokens":1.5,"messages":[{"role":"user","content":"x"}]})", "max_tokens: Input should be a valid integer", "max_tokens"},
      {R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]})", "greater than or equal to 1", "max_tokens"},
      {R"({"model":"m","max_tokens":1,"stream":"yes","messages":[{"role":"user","content":"x"}]})", "stream: Input should be a valid boolean", "stream"},
      {R"({"model":"m","max_tokens":1})", "messages: Field required", "messages"},
      {R"({"model":"m","max_tokens":1,"messages":{}})", "messages: Input should be a valid list", "messages"},
      {R"({"model":"m","max_tokens":1,"messages":"hi"})", "messages: Input should be a valid list", "messages"},
      {R"({"model":"m","max_tokens":1,"messages":[]})", "at least one message", "messages"},
      {R"({"model":"m","max_tokens":1,"messages":["hi"]})", "messages.0: Input should be a valid dictionary", "messages.0"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},[1]]})", "messages.1: Input should be a valid dictionary", "messages.1"},
      {R"({"model":"m","max_tokens":1,"messages":[{"content":"x"}]})", "messages.0.role: Field required", "messages.0.role"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":"function","content":"x"}]})", "messages.0.role: Input should be 'user', 'assistant' or 'system'", "messages.0.role"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"a"},{"role":"tool","content":"x"}]})", "messages.1.role: Input should be 'user', 'assistant' or 'system'", "messages.1.role"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":1,"content":"x"}]})", "messages.0.role: Input should be", "messages.0.role"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":"user"}]})", "messages.0.content: Field required", "messages.0.content"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":null}]})", "messages.0.content: Input should be", "messages.0.content"},
      {R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":{"type":"text"}}]})", "messages.0.content: Input should be", "messages.0.content"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    MessagesRequestInfo info;
    auto e = scan_messages_request(c.body, info);
    REQUIRE(e);
    CHECK(e->status == 400);
    CHECK(e->type == "invalid_request_error");
    CHECK(e->message.find(c.needle) != std::string::npos);
    CHECK(e->param == c.param);
  }
}

TEST_CASE("messages scan: keys named like the fields deeper in the body do not count") {
  MessagesRequestInfo info;
  auto e = scan_messages_request(
      R"({"x":{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]},"model":"real","max_tokens":2,
          "messages":[{"role":"user","content":[{"type":"text","text":"t","role":"system"}]}]})",
      info);
  REQUIRE_FALSE(e);
  CHECK(info.model == "real");
  CHECK(info.max_tokens == 2);
  CHECK(info.message_count == 1);
}

namespace {
std::string deep_messages_body(std::size_t levels) {
  return R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"x":)" + std::string(levels - 1, '[') +
         std::string(levels - 1, ']') + "}";
}
}  // namespace

TEST_CASE("messages scan: nesting up to the limit is accepted, one level more is json_too_deep") {
  MessagesRequestInfo info;
  CHECK_FALSE(scan_messages_request(deep_messages_body(128), info));
  auto deep = scan_messages_request(deep_messages_body(129), info);
  REQUIRE(deep);
  CHECK(deep->status == 400);
  CHECK(deep->type == "invalid_request_error");
  CHECK(deep->code == "json_too_deep");
  CHECK(deep->message.find("deeper than 128 levels") != std::string::npos);
  ScanOptions low;
  low.max_depth = 9;
  CHECK(scan_messages_request(deep_messages_body(10), info, low));
  // Deep content blocks count like anything else; brackets inside strings do not.
  const std::string strings = R"({"model":"m","max_tokens":1,"messages":[{"role":"user","content":")" +
                              std::string(5000, '{') + "\"}]}";
  CHECK_FALSE(scan_messages_request(strings, info));
}

TEST_CASE("messages scan: a 1,000,000-deep body is refused fast, without a crash") {
  MessagesRequestInfo info;
  const std::string body = R"({"model":"m","messages":[{"role":"user","content":)" + std::string(1'000'000, '[');
  const auto start = std::chrono::steady_clock::now();
  auto deep = scan_messages_request(body, info);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(deep);
  CHECK(deep->code == "json_too_deep");
  CHECK(ms < 100);
}

TEST_CASE("messages scan: model given twice is a 400") {
  MessagesRequestInfo info;
  auto dup = scan_messages_request(R"({"model":"a","max_tokens":1,"messages":[{"role":"user","content":"x"}],"model":"b"})", info);
  REQUIRE(dup);
  CHECK(dup->status == 400);
  CHECK(dup->param == "model");
  CHECK(dup->code == "duplicate_key");
  CHECK(dup->message.rfind("model:", 0) == 0);  // Anthropic's "field: problem" style
}

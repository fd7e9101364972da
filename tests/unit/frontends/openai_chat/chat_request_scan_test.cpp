#include <catch2/catch.hpp>

#include <chrono>

#include "frontends/openai_chat/chat_request_scan.hpp"

using llmgw::frontends::ChatRequestInfo;
using llmgw::frontends::rewrite_model;
using llmgw::frontends::scan_chat_request;

namespace {
std::optional<llmgw::canonical::ApiError> scan(std::string_view body, ChatRequestInfo& info) {
  return scan_chat_request(std::string(body), info);
}
}  // namespace

TEST_CASE("a valid request yields model, its byte span and stream flags") {
  std::string body = R"({ "model" :  "gpt-4o" , "messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}})";
  ChatRequestInfo info;
  REQUIRE_FALSE(scan(body, info));
  CHECK(info.model == "gpt-4o");
  CHECK(body.substr(info.model_begin, info.model_end - info.model_begin) == "\"gpt-4o\"");
  CHECK(info.stream);
  CHECK(info.include_usage);
  CHECK(info.message_count == 1);
  CHECK_FALSE(info.cache_requested);
}

TEST_CASE("prompt_cache_key, or cache_control in a content part, asks for caching; the words in text do not") {
  ChatRequestInfo key;
  REQUIRE_FALSE(scan(R"({"model":"m","prompt_cache_key":"k","messages":[{"role":"user","content":"hi"}]})", key));
  CHECK(key.cache_requested);
  ChatRequestInfo part;
  REQUIRE_FALSE(scan(R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"t","cache_control":{"type":"ephemeral"}}]}]})", part));
  CHECK(part.cache_requested);
  ChatRequestInfo text;
  REQUIRE_FALSE(scan(R"({"model":"m","messages":[{"role":"user","content":"prompt_cache_key cache_control"}]})", text));
  CHECK_FALSE(text.cache_requested);
}

TEST_CASE("rewrite_model replaces only the model value, byte for byte elsewhere") {
  std::string body = "{\"messages\":[{\"role\":\"user\",\"content\":\"model\"}],\n \"model\":\"a\\u0041\", \"x\":{\"model\":\"keep\"}}";
  ChatRequestInfo info;
  REQUIRE_FALSE(scan(body, info));
  CHECK(info.model == "aA");
  std::string out = rewrite_model(body, info, "up\"stream");
  CHECK(out == "{\"messages\":[{\"role\":\"user\",\"content\":\"model\"}],\n \"model\":\"up\\\"stream\", \"x\":{\"model\":\"keep\"}}");
}

TEST_CASE("bad bodies are rejected with the parameter named") {
  ChatRequestInfo info;
  struct Case { const char* body; int status; const char* param; const char* needle; };
  const Case cases[] = {
      {"{", 400, "", "parse"},
      {"not json", 400, "", "parse"},
      {"[]", 400, "", "JSON object"},
      {"42", 400, "", "JSON object"},
      {"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400, "model", "model"},
      {"{\"model\":5,\"messages\":[]}", 400, "model", "expected a string"},
      {"{\"model\":\"\",\"messages\":[{\"role\":\"user\"}]}", 400, "model", "non-empty"},
      {"{\"model\":\"m\"}", 400, "messages", "messages"},
      {"{\"model\":\"m\",\"messages\":\"hi\"}", 400, "messages", "expected an array"},
      {"{\"model\":\"m\",\"messages\":{}}", 400, "messages", "expected an array"},
      {"{\"model\":\"m\",\"messages\":[]}", 400, "messages", "empty array"},
      {"{\"model\":\"m\",\"messages\":[\"hi\"]}", 400, "messages[0]", "expected an object"},
      {"{\"model\":\"m\",\"messages\":[{\"content\":\"x\"}]}", 400, "messages[0].role", "role"},
      {"{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\"}]}", 400, "messages[0].role", "wizard"},
      {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}", 400, "stream", "boolean"},
      {"{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]} trailing", 400, "", "after the JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto err = scan(c.body, info);
    REQUIRE(err);
    CHECK(err->status == c.status);
    CHECK(err->type == "invalid_request_error");
    CHECK(err->param == c.param);
    CHECK(err->message.find(c.needle) != std::string::npos);
  }
}

TEST_CASE("invalid UTF-8 is rejected") {
  ChatRequestInfo info;
  std::string body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\xff\"}]}";
  REQUIRE(scan(body, info));
}

TEST_CASE("nested objects and arrays in messages are accepted") {
  ChatRequestInfo info;
  std::string body = R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"data:x"}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"r"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"stream":false})";
  REQUIRE_FALSE(scan(body, info));
  CHECK(info.message_count == 3);
  CHECK_FALSE(info.stream);
}

TEST_CASE("a body with the client's own fallback list is flagged, and its missing model left to the second scan") {
  ChatRequestInfo info;
  REQUIRE_FALSE(scan(R"({"models":["a","b"],"messages":[{"role":"user","content":"hi"}]})", info));
  CHECK(info.routing_fields);
  REQUIRE_FALSE(scan(R"({"model":"a","fallbacks":["b"],"messages":[{"role":"user","content":"hi"}]})", info));
  CHECK(info.routing_fields);
  // Not at the top level: an ordinary field.
  REQUIRE_FALSE(scan(R"({"model":"a","metadata":{"models":1},"messages":[{"role":"user","content":"hi"}]})", info));
  CHECK_FALSE(info.routing_fields);
  CHECK(scan(R"({"messages":[{"role":"user","content":"hi"}]})", info));  // no model, no list: rejected
}

namespace {
std::string deep_body(std::size_t levels) {
  // The root object is one level; "x" holds the rest.
  return R"({"model":"m","messages":[{"role":"user","content":"hi"}],"x":)" + std::string(levels - 1, '[') +
         std::string(levels - 1, ']') + "}";
}
}  // namespace

TEST_CASE("nesting up to the limit is accepted, one level more is json_too_deep") {
  ChatRequestInfo info;
  CHECK_FALSE(scan(deep_body(128), info));
  auto deep = scan(deep_body(129), info);
  REQUIRE(deep);
  CHECK(deep->status == 400);
  CHECK(deep->type == "invalid_request_error");
  CHECK(deep->code == "json_too_deep");
  CHECK(deep->message.find("deeper than 128 levels") != std::string::npos);
  // Brackets inside strings do not count.
  const std::string strings = R"({"model":"m","messages":[{"role":"user","content":")" + std::string(5000, '[') + "\"}]}";
  CHECK_FALSE(scan(strings, info));
  // The limit is the caller's.
  CHECK(scan_chat_request(deep_body(10), info, 9));
  CHECK_FALSE(scan_chat_request(deep_body(10), info, 10));
}

TEST_CASE("a 1,000,000-deep body is refused fast, without a crash") {
  ChatRequestInfo info;
  const std::string body = R"({"model":"m","x":)" + std::string(1'000'000, '[');
  const auto start = std::chrono::steady_clock::now();
  auto deep = scan(body, info);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(deep);
  CHECK(deep->code == "json_too_deep");
  CHECK(ms < 100);
  // A top-level array is refused before any depth is reached.
  CHECK(scan(std::string(1'000'000, '['), info)->message.find("not an array") != std::string::npos);
}

TEST_CASE("model given twice is a 400, whatever the values") {
  ChatRequestInfo info;
  for (const char* body : {R"({"model":"a","messages":[{"role":"user","content":"hi"}],"model":"b"})",
                           R"({"model":"a","model":"a","messages":[{"role":"user","content":"hi"}]})",
                           R"({"model":"a","model":1,"messages":[]})"}) {
    INFO(body);
    auto dup = scan(body, info);
    REQUIRE(dup);
    CHECK(dup->status == 400);
    CHECK(dup->param == "model");
    CHECK(dup->code == "duplicate_key");
  }
  // "model" inside other objects is not the top-level key.
  CHECK_FALSE(scan(R"({"model":"a","metadata":{"model":"b"},"messages":[{"role":"user","content":"hi"}]})", info));
}

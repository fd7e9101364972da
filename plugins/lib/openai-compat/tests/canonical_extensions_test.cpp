#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <openai_compat/canonical_extensions.hpp>

using llmgw::openai_compat::accepts_top_k;
using llmgw::openai_compat::strip_canonical_extensions;

namespace {
rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}
}  // namespace

TEST_CASE("a translated body loses the canonical extensions OpenAI rejects, and nothing else") {
  const std::string body = R"({"model":"gpt-4o-mini","max_tokens":50,"top_k":5,"temperature":0.2,
    "thinking":{"type":"enabled","budget_tokens":1024},
    "messages":[{"role":"system","content":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}]},
      {"role":"assistant","content":null,"reasoning_content":"r","thinking_blocks":[{"type":"thinking","thinking":"r","signature":"s"}],
       "tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"c1","content":"boom","is_error":true}],
    "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}},"cache_control":{"type":"ephemeral"}}]})";
  std::string out;
  REQUIRE(strip_canonical_extensions(body, {false}, out));
  auto d = parse(out);
  CHECK_FALSE(d.HasMember("top_k"));
  CHECK_FALSE(d.HasMember("thinking"));
  CHECK(d["temperature"].GetDouble() == 0.2);
  CHECK(d["max_tokens"].GetInt() == 50);
  CHECK_FALSE(d["messages"][0]["content"][0].HasMember("cache_control"));
  CHECK(std::string(d["messages"][0]["content"][0]["text"].GetString()) == "S");
  CHECK_FALSE(d["messages"][1].HasMember("reasoning_content"));
  CHECK_FALSE(d["messages"][1].HasMember("thinking_blocks"));
  CHECK(d["messages"][1]["tool_calls"].Size() == 1);
  CHECK_FALSE(d["messages"][2].HasMember("is_error"));
  CHECK(std::string(d["messages"][2]["content"].GetString()) == "boom");
  CHECK_FALSE(d["tools"][0].HasMember("cache_control"));

  REQUIRE(strip_canonical_extensions(body, {true}, out));
  CHECK(parse(out)["top_k"].GetInt() == 5);  // kept for upstreams that sample with it
}

TEST_CASE("top_k is kept for vLLM-style upstreams and dropped for OpenAI") {
  CHECK_FALSE(accepts_top_k("openai"));
  CHECK_FALSE(accepts_top_k("azure"));
  CHECK(accepts_top_k("hosted_vllm"));
  CHECK(accepts_top_k("together_ai"));
}

TEST_CASE("a body that is not a JSON object is refused") {
  std::string out = "x";
  CHECK_FALSE(strip_canonical_extensions("[1]", {}, out));
  CHECK(out.empty());
}

TEST_CASE("a body nested past the limit is left alone, not walked", "[extensions][depth]") {
  const std::string deep = R"({"messages":[],"thinking":{},"x":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  std::string out = "x";
  CHECK_FALSE(llmgw::openai_compat::strip_canonical_extensions(deep, {}, out));
  CHECK(out.empty());
}

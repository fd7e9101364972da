// Canonical chat → Converse: system with cache points, images, tool calls and results merged
// into alternating turns, toolConfig / toolChoice, inferenceConfig, thinking, refusals.
#include "harness.hpp"

using namespace bedrock_test;
using llmgw::testing::ProviderInstance;

TEST_CASE("encode: messages, tools, cache points, inference config") {
  ProviderInstance p(vt(), kConfig, real_crypto);
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"model":"x","messages":[
    {"role":"system","content":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}]},
    {"role":"developer","content":"Answer in French."},
    {"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},
    {"role":"assistant","content":"Let me check.","tool_calls":[{"id":"tooluse_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}},
      {"id":"tooluse_2","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"London\"}"}}]},
    {"role":"tool","tool_call_id":"tooluse_1","content":"sunny","is_error":true},
    {"role":"tool","tool_call_id":"tooluse_2","content":[{"type":"text","text":"rain"}]},
    {"role":"user","content":[{"type":"text","text":"Thanks","cache_control":{"type":"ephemeral"}}]}],
    "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}}},
      "cache_control":{"type":"ephemeral"}}],
    "tool_choice":{"type":"function","function":{"name":"get_weather"}},
    "max_completion_tokens":99,"temperature":0.3,"top_p":0.8,"top_k":10,"stop":"END","seed":3,"user":"u"})");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(json_equal(r.body, R"({
    "messages":[
      {"role":"user","content":[{"text":"Look"},{"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}]},
      {"role":"assistant","content":[{"text":"Let me check."},
        {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"location":"Paris"}}},
        {"toolUse":{"toolUseId":"tooluse_2","name":"get_weather","input":{"location":"London"}}}]},
      {"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"sunny"}],"status":"error"}},
        {"toolResult":{"toolUseId":"tooluse_2","content":[{"text":"rain"}]}},
        {"text":"Thanks"},{"cachePoint":{"type":"default"}}]}],
    "system":[{"text":"You are terse."},{"cachePoint":{"type":"default"}},{"text":"Answer in French."}],
    "inferenceConfig":{"maxTokens":99,"temperature":0.3,"topP":0.8,"stopSequences":["END"]},
    "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"Weather","inputSchema":{"json":{"type":"object","properties":{"location":{"type":"string"}}}}}},
      {"cachePoint":{"type":"default"}}],"toolChoice":{"tool":{"name":"get_weather"}}},
    "additionalModelRequestFields":{"top_k":10}})"));
}

TEST_CASE("encode: tool_choice, thinking, assistant thinking blocks") {
  ProviderInstance p(vt(), kConfig, real_crypto);
  const std::string tools = R"("tools":[{"type":"function","function":{"name":"f"}}])";
  const auto body_of = [&](const std::string& b) {
    Call c(b);
    const auto r = p.encode(c.c);
    INFO(r.error);
    REQUIRE(r.rc == LLMGW_OK);
    return parse(r.body);
  };
  auto d = body_of(R"({"messages":[{"role":"user","content":"x"}],)" + tools + R"(,"tool_choice":"required"})");
  CHECK(d["toolConfig"]["toolChoice"].HasMember("any"));
  CHECK(d["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["type"] == "object");
  d = body_of(R"({"messages":[{"role":"user","content":"x"}],)" + tools + R"(,"tool_choice":"auto"})");
  CHECK(d["toolConfig"]["toolChoice"].HasMember("auto"));
  d = body_of(R"({"messages":[{"role":"user","content":"x"}],)" + tools + R"(,"tool_choice":"none"})");
  CHECK_FALSE(d.HasMember("toolConfig"));
  d = body_of(R"({"messages":[{"role":"user","content":"x"}],"reasoning_effort":"medium"})");
  CHECK(d["additionalModelRequestFields"]["thinking"]["budget_tokens"].GetInt64() == 2048);
  d = body_of(R"({"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"A",
    "thinking_blocks":[{"type":"thinking","thinking":"hm","signature":"sig1"},{"type":"redacted_thinking","data":"cmVk"}]},
    {"role":"user","content":"y"}],"thinking":{"type":"enabled","budget_tokens":1024}})");
  CHECK(d["additionalModelRequestFields"]["thinking"]["budget_tokens"].GetInt64() == 1024);
  const auto& a = d["messages"][1]["content"];
  CHECK(a[0]["reasoningContent"]["reasoningText"]["signature"] == "sig1");
  CHECK(a[1]["reasoningContent"]["redactedContent"] == "cmVk");
  CHECK(a[2]["text"] == "A");
}

TEST_CASE("encode: response_format json_schema → outputConfig.textFormat (the schema as JSON text); json_object refused") {
  ProviderInstance p(vt(), kConfig, real_crypto);
  Call call(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{
    "name":"city","description":"A city","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},
    "required":["name"],"additionalProperties":false}}}})");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  rapidjson::Document d;
  d.Parse(r.body.data(), r.body.size());
  REQUIRE(d.IsObject());
  const auto& tf = d["outputConfig"]["textFormat"];
  CHECK(tf["type"] == "json_schema");
  CHECK(tf["structure"]["jsonSchema"]["name"] == "city");
  CHECK(tf["structure"]["jsonSchema"]["description"] == "A city");
  REQUIRE(tf["structure"]["jsonSchema"]["schema"].IsString());
  CHECK(json_equal(tf["structure"]["jsonSchema"]["schema"].GetString(),
                   R"({"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false})"));
  Call text(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"text"}})");
  const auto t = p.encode(text.c);
  REQUIRE(t.rc == LLMGW_OK);
  CHECK(t.body.find("outputConfig") == std::string::npos);
  Call object(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})");
  const auto o = p.encode(object.c);
  CHECK(o.rc == LLMGW_UNSUPPORTED);
  CHECK(o.error.find("json_object") != std::string::npos);
  CHECK(o.error.find("provider-bedrock") != std::string::npos);
  Call no_schema(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"x"}}})");
  CHECK(p.encode(no_schema.c).rc == LLMGW_BAD_ARGUMENT);
}

TEST_CASE("encode: files become documents with unique, allowed names") {
  ProviderInstance p(vt(), kConfig, real_crypto);
  Call call(R"({"messages":[{"role":"user","content":[
    {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"Q3 report.final.pdf"}},
    {"type":"file","file":{"file_data":"data:text/csv;base64,YSxi"}},
    {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"Q3 report.final.pdf"},"cache_control":{"type":"ephemeral"}},
    {"type":"text","text":"Summarise."}]}]})");
  const auto r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(json_equal(r.body, R"j({"messages":[{"role":"user","content":[
    {"document":{"format":"pdf","name":"Q3 report final pdf","source":{"bytes":"JVBERi0="}}},
    {"document":{"format":"csv","name":"document-2","source":{"bytes":"YSxi"}}},
    {"document":{"format":"pdf","name":"Q3 report final pdf (3)","source":{"bytes":"JVBERi0="}}},{"cachePoint":{"type":"default"}},
    {"text":"Summarise."}]}]})j"));
  Call zip(R"({"messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/zip;base64,UEs="}}]}]})");
  CHECK(p.encode(zip.c).rc == LLMGW_UNSUPPORTED);
  Call id(R"({"messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]})");
  CHECK(p.encode(id.c).rc == LLMGW_UNSUPPORTED);
}

TEST_CASE("encode: refusals") {
  ProviderInstance p(vt(), kConfig, real_crypto);
  const auto status = [&](const std::string& b) {
    Call c(b);
    return p.encode(c.c).rc;
  };
  CHECK(status(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]})") == LLMGW_UNSUPPORTED);
  CHECK(status(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}]}]})") == LLMGW_UNSUPPORTED);
  CHECK(status(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})") == LLMGW_UNSUPPORTED);
  CHECK(status(R"({"messages":[{"role":"user","content":"x"}],"n":2})") == LLMGW_UNSUPPORTED);
  CHECK(status(R"({"messages":[]})") == LLMGW_BAD_ARGUMENT);
  CHECK(status(R"({"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"a","function":{"name":"f","arguments":"not json"}}]}],
    "tools":[{"type":"function","function":{"name":"f"}}]})") == LLMGW_BAD_ARGUMENT);
  CHECK(status(R"({"messages":[{"role":"tool","tool_call_id":"a","content":"x"}]})") == LLMGW_BAD_ARGUMENT);
  CHECK(status(R"({"messages":)" + std::string(100000, '[') + std::string(100000, ']') + "}") == LLMGW_BAD_ARGUMENT);
  Call count(R"({"messages":[{"role":"user","content":"x"}]})");
  count.c.operation = LLMGW_OP_COUNT_TOKENS;
  CHECK(p.encode(count.c).rc == LLMGW_UNSUPPORTED);  // embeddings: embeddings_test.cpp
}

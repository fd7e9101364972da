// Canonical chat → GenerateContentRequest: URL, headers and the field table of README.md.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

Request encode_ok(const std::string& body, bool stream = false) {
  Plugin p;
  REQUIRE(p.rc == LLMGW_OK);
  Call call(body, stream);
  Request r = p.encode(call.c);
  INFO(r.error);
  REQUIRE(r.rc == LLMGW_OK);
  return r;
}

Request encode_fail(const std::string& body, llmgw_status expected, bool stream = false) {
  Plugin p;
  Call call(body, stream);
  Request r = p.encode(call.c);
  CHECK(r.rc == expected);
  CHECK_FALSE(r.error.empty());
  return r;
}

}  // namespace

TEST_CASE("text request: URL, key header, contents and systemInstruction") {
  const Request r = encode_ok(R"({"model":"gemini-2.5-flash","messages":[
    {"role":"system","content":"Be brief."},
    {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
    {"role":"user","content":"Say hello."}],"temperature":0.2,"top_p":0.9,"top_k":40,
    "max_tokens":100,"stop":["END"],"seed":7,"user":"u1","metadata":{"a":"b"},"parallel_tool_calls":true})");
  CHECK(r.method == "POST");
  CHECK(r.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
  CHECK(r.header("x-goog-api-key") == kKey);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("authorization") == "<absent>");
  CHECK(json_equal(r.body, R"({
    "contents":[{"role":"user","parts":[{"text":"Say hello."}]}],
    "systemInstruction":{"parts":[{"text":"Be brief."},{"text":"Answer in English."}]},
    "generationConfig":{"temperature":0.2,"topP":0.9,"topK":40,"maxOutputTokens":100,"stopSequences":["END"],"seed":7}})"));
}

TEST_CASE("a stream goes to streamGenerateContent?alt=sse; the model path is cleaned") {
  Plugin p;
  Call call(R"({"messages":[{"role":"user","content":"hi"}],"stream":true})", true, "models/gemini 2.5/x");
  const Request r = p.encode(call.c);
  REQUIRE(r.rc == LLMGW_OK);
  CHECK(r.url == "https://generativelanguage.googleapis.com/v1beta/models/gemini%202.5%2Fx:streamGenerateContent?alt=sse");
}

TEST_CASE("api_base and api_version shape the URL; extra headers are sent") {
  Plugin p(R"({"provider":"gemini","api_key":"k","api_base":"http://127.0.0.1:9/v1/","api_version":"v1","extra":{"headers":{"x-extra":"1"}}})");
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"hi"}]})");
  const Request r = p.encode(call.c);
  CHECK(r.url == "http://127.0.0.1:9/v1/models/gemini-2.5-flash:generateContent");
  CHECK(r.header("x-extra") == "1");
}

TEST_CASE("tools, tool_choice and parallel tool results mapped back by id") {
  const std::string tool = R"({"type":"function","function":{"name":"get_weather","description":"Weather",
      "parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":["string","null"],"enum":["c","f"]}},
      "required":["location"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}}})";
  const std::string noargs = R"({"type":"function","function":{"name":"now","parameters":{"type":"object","properties":{}}}})";
  const Request r = encode_ok(R"({"messages":[
    {"role":"user","content":"Weather in Paris and London?"},
    {"role":"assistant","content":null,"tool_calls":[
      {"id":"call_a__thought__SIG1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Paris\"}"}},
      {"id":"call_b","type":"function","function":{"name":"now","arguments":""}}]},
    {"role":"tool","tool_call_id":"call_b","content":"12:00"},
    {"role":"tool","tool_call_id":"call_a__thought__SIG1","content":"{\"temp\":21}"}],
    "tools":[)" + tool + "," + noargs + R"(],"tool_choice":"required"})");
  CHECK(json_equal(r.body, R"({
    "contents":[
      {"role":"user","parts":[{"text":"Weather in Paris and London?"}]},
      {"role":"model","parts":[
        {"functionCall":{"name":"get_weather","args":{"location":"Paris"}},"thoughtSignature":"SIG1"},
        {"functionCall":{"name":"now","args":{}}}]},
      {"role":"user","parts":[
        {"functionResponse":{"name":"now","response":{"content":"12:00"}}},
        {"functionResponse":{"name":"get_weather","response":{"temp":21}}}]}],
    "tools":[{"functionDeclarations":[
      {"name":"get_weather","description":"Weather","parameters":{"type":"object","required":["location"],
        "properties":{"location":{"type":"string"},"unit":{"type":"string","nullable":true,"enum":["c","f"]}}}},
      {"name":"now"}]}],
    "toolConfig":{"functionCallingConfig":{"mode":"ANY"}}})"));
}

TEST_CASE("tool_choice values") {
  const std::string base = R"({"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":)";
  CHECK(parse(encode_ok(base + R"("auto"})").body)["toolConfig"]["functionCallingConfig"]["mode"] == "AUTO");
  CHECK(parse(encode_ok(base + R"("none"})").body)["toolConfig"]["functionCallingConfig"]["mode"] == "NONE");
  const auto forced = parse(encode_ok(base + R"({"type":"function","function":{"name":"f"}}})").body);
  CHECK(forced["toolConfig"]["functionCallingConfig"]["mode"] == "ANY");
  CHECK(forced["toolConfig"]["functionCallingConfig"]["allowedFunctionNames"][0] == "f");
  encode_fail(base + R"("sometimes"})", LLMGW_BAD_ARGUMENT);
}

TEST_CASE("a tool result answering no known call falls back to its name, else 400") {
  const Request r = encode_ok(R"({"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"zz","name":"f","content":"ok"}]})");
  CHECK(parse(r.body)["contents"][0]["parts"][1]["functionResponse"]["name"] == "f");
  const Request bad = encode_fail(R"({"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"zz","content":"ok"}]})",
                                  LLMGW_BAD_ARGUMENT);
  CHECK_THAT(bad.error, Catch::Contains("zz"));
}

TEST_CASE("structured output: json_schema → responseMimeType + cleaned responseSchema; json_object") {
  const Request r = encode_ok(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"w","strict":true,
    "schema":{"type":"object","properties":{"city":{"$ref":"#/$defs/City"},"tags":{"type":"array","items":{"type":"string"}},
    "kind":{"const":"a"},"n":{"anyOf":[{"type":"integer"},{"type":"null"}]}},"required":["city"],"additionalProperties":false,
    "$defs":{"City":{"type":"object","properties":{"name":{"type":"string"}},"additionalProperties":false}}}}}})");
  CHECK(json_equal(compact(r.body), compact(R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],
    "generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"object","required":["city"],"properties":{
      "city":{"type":"object","properties":{"name":{"type":"string"}}},
      "tags":{"type":"array","items":{"type":"string"}},
      "kind":{"enum":["a"]},
      "n":{"nullable":true,"type":"integer"}}}}})")));
  const Request o = encode_ok(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})");
  CHECK(json_equal(o.body, R"({"contents":[{"role":"user","parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json"}})"));
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"schema":{"$ref":"#/nowhere"}}}})",
              LLMGW_UNSUPPORTED);
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"schema":
    {"$ref":"#/$defs/A","$defs":{"A":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}}}}}}}})", LLMGW_UNSUPPORTED);
}

TEST_CASE("thinking: reasoning_effort and an Anthropic-style budget → thinkingConfig") {
  auto tc = [](const std::string& extra) {
    const Request r = encode_ok(R"({"messages":[{"role":"user","content":"x"}],)" + extra + "}");
    return compact(r.body);
  };
  CHECK_THAT(tc(R"("reasoning_effort":"high")"), Catch::Contains(R"("thinkingConfig":{"thinkingBudget":24576,"includeThoughts":true})"));
  CHECK_THAT(tc(R"("reasoning_effort":"low")"), Catch::Contains(R"("thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true})"));
  CHECK_THAT(tc(R"("reasoning_effort":"none")"), Catch::Contains(R"("thinkingConfig":{"thinkingBudget":0})"));
  CHECK_THAT(tc(R"("thinking":{"type":"enabled","budget_tokens":2048})"),
             Catch::Contains(R"("thinkingConfig":{"thinkingBudget":2048,"includeThoughts":true})"));
  CHECK_THAT(tc(R"("thinking":{"type":"disabled"})"), Catch::Contains(R"("thinkingConfig":{"thinkingBudget":0})"));
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"reasoning_effort":"extreme"})", LLMGW_BAD_ARGUMENT);
}

TEST_CASE("images: data URLs → inlineData; http(s) URLs are refused naming the feature") {
  const Request r = encode_ok(R"({"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},
    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]})");
  CHECK(json_equal(r.body, R"({"contents":[{"role":"user","parts":[{"text":"What is this?"},
    {"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]}]})"));
  const Request u = encode_fail(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]})",
                                LLMGW_UNSUPPORTED);
  CHECK_THAT(u.error, Catch::Contains("Gemini"));
}

TEST_CASE("features Gemini cannot honour are refused, not dropped") {
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"logprobs":true})", LLMGW_UNSUPPORTED);
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"n":2,"stream":true})", LLMGW_UNSUPPORTED, true);
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search"}]})", LLMGW_UNSUPPORTED);
  encode_fail(R"({"messages":[{"role":"system","content":"only system"}]})", LLMGW_BAD_ARGUMENT);
  encode_fail(R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"grammar"}})", LLMGW_UNSUPPORTED);
  CHECK(parse(encode_ok(R"({"messages":[{"role":"user","content":"x"}],"n":2})").body)["generationConfig"]["candidateCount"].GetInt() == 2);
  // count_tokens: count_tokens_test.cpp; embeddings: embeddings_test.cpp
}

TEST_CASE("a malformed or too deeply nested request body is a clear 400, never a crash") {
  encode_fail("{not json", LLMGW_BAD_ARGUMENT);
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  const Request r = encode_fail(R"({"messages":)" + deep + "}", LLMGW_BAD_ARGUMENT);
  CHECK_THAT(r.error, Catch::Contains("deeper than 128"));
}

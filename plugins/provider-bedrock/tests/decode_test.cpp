// Converse responses → chat.completion (text, tool calls, reasoning, usage with cache tokens,
// stop reasons) and AWS errors → classified llmgw errors.
#include "harness.hpp"

using namespace bedrock_test;
using llmgw::testing::ProviderInstance;

TEST_CASE("decode: text, tool calls, reasoning, usage with cache read and write") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[]})");
  const auto r = p.decode(call.c, 200, R"({"output":{"message":{"role":"assistant","content":[
      {"reasoningContent":{"reasoningText":{"text":"Think.","signature":"sig"}}},{"text":"Checking."},
      {"toolUse":{"toolUseId":"tooluse_a","name":"get_weather","input":{"location":"Paris"}}}]}},
    "stopReason":"tool_use","usage":{"inputTokens":12,"outputTokens":30,"totalTokens":2090,"cacheReadInputTokens":1920,"cacheWriteInputTokens":128},
    "metrics":{"latencyMs":300}})", {{"x-amzn-RequestId", "6f0e-req"}});
  REQUIRE(r.rc == LLMGW_OK);
  const auto d = parse(r.body);
  CHECK(d["id"] == "chatcmpl-6f0e-req");
  CHECK(d["model"] == "us.anthropic.claude-3-5-sonnet-20240620-v1:0");
  const auto& m = d["choices"][0]["message"];
  CHECK(m["content"] == "Checking.");
  CHECK(m["reasoning_content"] == "Think.");
  CHECK(m["thinking_blocks"][0]["signature"] == "sig");
  CHECK(m["tool_calls"][0]["id"] == "tooluse_a");
  CHECK(m["tool_calls"][0]["function"]["arguments"] == R"({"location":"Paris"})");
  CHECK(d["choices"][0]["finish_reason"] == "tool_calls");
  CHECK(d["usage"]["prompt_tokens"].GetInt64() == 2060);
  CHECK(d["usage"]["completion_tokens"].GetInt64() == 30);
  CHECK(d["usage"]["prompt_tokens_details"]["cached_tokens"].GetInt64() == 1920);
  CHECK(d["usage"]["cache_creation_input_tokens"].GetInt64() == 128);
  REQUIRE(r.usage.has_value());
  CHECK(r.usage->prompt_tokens == 2060);
  CHECK(r.usage->cached_tokens == 1920);
  CHECK(r.usage->cache_creation_tokens == 128);
}

TEST_CASE("decode: stop reasons") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[]})");
  const auto finish = [&](const std::string& reason) {
    const auto r = p.decode(call.c, 200, R"({"output":{"message":{"role":"assistant","content":[{"text":"x"}]}},"stopReason":")" + reason +
                                             R"(","usage":{"inputTokens":1,"outputTokens":1}})");
    REQUIRE(r.rc == LLMGW_OK);
    return std::string(parse(r.body)["choices"][0]["finish_reason"].GetString());
  };
  CHECK(finish("end_turn") == "stop");
  CHECK(finish("stop_sequence") == "stop");
  CHECK(finish("max_tokens") == "length");
  CHECK(finish("guardrail_intervened") == "content_filter");
  CHECK(finish("content_filtered") == "content_filter");
  CHECK(finish("something_new") == "stop");
  CHECK(p.decode(call.c, 200, R"({"output":{}})").error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(p.decode(call.c, 200, "{\"output\":").error->status == 502);
  CHECK(p.decode(call.c, 200, std::string(100000, '[') + std::string(100000, ']')).error->cls == LLMGW_ERR_BAD_RESPONSE);
}

TEST_CASE("errors: x-amzn-ErrorType and body → class and status") {
  ProviderInstance p(vt(), kConfig);
  Call call(R"({"messages":[]})");
  const auto err = [&](int status, const std::string& type, const std::string& body) {
    llmgw::testing::Headers h;
    if (!type.empty()) h.emplace_back("x-amzn-ErrorType", type);
    const auto r = p.decode(call.c, status, body, h);
    REQUIRE(r.rc == LLMGW_ERROR);
    return *r.error;
  };
  auto e = err(429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", R"({"message":"Too many requests, please wait before trying again."})");
  CHECK(e.cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(e.status == 429);
  CHECK(e.code == "ThrottlingException");
  CHECK(e.message == "Too many requests, please wait before trying again.");
  e = err(400, "ValidationException", R"({"message":"Malformed input request: #/messages/0: required key [content] not found"})");
  CHECK(e.cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(e.status == 400);
  e = err(400, "ValidationException", R"({"message":"Input is too long for requested model."})");
  CHECK(e.cls == LLMGW_ERR_CONTEXT_WINDOW);
  e = err(403, "AccessDeniedException", R"({"message":"You don't have access to the model with the specified model ID."})");
  CHECK(e.cls == LLMGW_ERR_AUTH);
  CHECK(e.status == 403);
  e = err(403, "", R"({"message":"The request signature we calculated does not match the signature you provided.","__type":"com.amazon.coral.service#InvalidSignatureException"})");
  CHECK(e.cls == LLMGW_ERR_AUTH);
  CHECK(e.code == "InvalidSignatureException");
  e = err(429, "ModelNotReadyException", R"({"message":"Model is not ready"})");
  CHECK(e.cls == LLMGW_ERR_TRANSIENT);
  CHECK(e.status == 503);
  e = err(503, "ServiceUnavailableException", R"({"Message":"Service unavailable"})");
  CHECK(e.status == 503);
  CHECK(e.message == "Service unavailable");
  e = err(404, "ResourceNotFoundException", R"({"message":"Model not found"})");
  CHECK(e.cls == LLMGW_ERR_NOT_FOUND);
  e = err(500, "", "<html>oops</html>");
  CHECK(e.cls == LLMGW_ERR_TRANSIENT);
  CHECK(e.message == "<html>oops</html>");
  e = err(403, "UnrecognizedClientException", R"({"message":"The security token included in the request is invalid. Key AKIAABCDEF123 secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"})");
  CHECK(e.message.find("AKIAABCDEF123") == std::string::npos);
  CHECK(e.message.find(kSecretKey) == std::string::npos);
}

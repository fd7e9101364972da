#include <openai_compat/error_body.hpp>

#include <catch2/catch.hpp>

using namespace llmgw::openai_compat;

TEST_CASE("error body shapes", "[errors]") {
  const ErrorFields o = parse_error_body(
      R"({"error":{"message":"Invalid value for 'temperature'","type":"invalid_request_error","param":"temperature","code":"invalid_value"}})");
  CHECK(o.message == "Invalid value for 'temperature'");
  CHECK(o.type == "invalid_request_error");
  CHECK(o.param == "temperature");
  CHECK(o.code == "invalid_value");

  const ErrorFields az = parse_error_body(
      R"({"error":{"message":"The response was filtered","type":null,"param":"prompt","code":"content_filter","status":400,)"
      R"("innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{}}}})");
  CHECK(az.type.empty());
  CHECK(az.code == "content_filter");
  CHECK(az.inner_code == "ResponsibleAIPolicyViolation");

  const ErrorFields orr = parse_error_body(R"({"error":{"code":402,"message":"Insufficient credits"}})");
  CHECK(orr.numeric_code == 402);
  CHECK(orr.code == "402");

  const ErrorFields s = parse_error_body(R"({"error":"model overloaded","error_type":"overloaded"})");
  CHECK(s.message == "model overloaded");
  CHECK(s.type == "overloaded");

  const ErrorFields v = parse_error_body(
      R"({"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400})");
  CHECK(v.message.starts_with("This model's maximum context length"));
  CHECK(v.type == "BadRequestError");
  CHECK(v.numeric_code == 400);

  CHECK(parse_error_body(R"({"detail":"Not Found"})").message == "Not Found");
  CHECK(parse_error_body(R"({"detail":[{"loc":["body","messages"],"msg":"field required"}]})").message ==
        R"([{"loc":["body","messages"],"msg":"field required"}])");

  CHECK(parse_error_body("  upstream connect error\n").message == "upstream connect error");
  CHECK(parse_error_body("").message.empty());
  CHECK(parse_error_body(R"({"unexpected":true})").message == R"({"unexpected":true})");
  const std::string html = "<html>" + std::string(1000, 'x') + "</html>";
  CHECK(parse_error_body(html).message.size() == kMaxTextMessageBytes);
  // A cut never splits a UTF-8 character.
  const std::string utf8 = std::string(499, 'a') + "\xC3\xA9" + "tail";
  CHECK(parse_error_body(utf8).message == std::string(499, 'a'));
}

TEST_CASE("classification by status, code and message", "[errors]") {
  auto cls = [](int status, const char* body, int64_t retry = 1000) {
    return classify_error(status, parse_error_body(body), retry);
  };
  const auto bad = cls(400, R"({"error":{"message":"bad","type":"invalid_request_error"}})");
  CHECK(bad.error_class == LLMGW_ERR_INVALID_REQUEST);
  CHECK(bad.retry_after_ms == -1);
  CHECK(cls(400, R"({"error":{"message":"x","code":"context_length_exceeded"}})").error_class == LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(cls(400, R"({"message":"This model's maximum context length is 8192 tokens"})").error_class == LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(cls(400, R"({"error":"prompt exceeds the model's Context Window"})").error_class == LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(cls(413, R"({"error":{"message":"Request too large"}})").error_class == LLMGW_ERR_INVALID_REQUEST);
  CHECK(cls(400, R"({"error":{"message":"x","code":"content_filter"}})").error_class == LLMGW_ERR_CONTENT_POLICY);
  CHECK(cls(400, R"({"error":{"message":"x","code":"content_policy_violation"}})").error_class == LLMGW_ERR_CONTENT_POLICY);
  CHECK(cls(400, R"({"error":{"message":"x","innererror":{"code":"ResponsibleAIPolicyViolation"}}})").error_class ==
        LLMGW_ERR_CONTENT_POLICY);
  CHECK(cls(401, R"({"error":{"message":"x","code":"invalid_api_key"}})").error_class == LLMGW_ERR_AUTH);
  CHECK(cls(403, "forbidden").error_class == LLMGW_ERR_AUTH);
  CHECK(cls(404, R"({"error":{"message":"x","code":"model_not_found"}})").error_class == LLMGW_ERR_NOT_FOUND);
  CHECK(cls(404, R"({"error":{"code":"DeploymentNotFound","message":"x"}})").error_class == LLMGW_ERR_NOT_FOUND);
  CHECK(cls(404, R"({"object":"error","message":"x","type":"NotFoundError","code":404})").error_class == LLMGW_ERR_NOT_FOUND);
  CHECK(cls(404, R"({"detail":"Not Found"})").error_class == LLMGW_ERR_INVALID_REQUEST);
  CHECK(cls(422, R"({"detail":[]})").error_class == LLMGW_ERR_INVALID_REQUEST);
  const auto rl = cls(429, R"({"error":{"message":"x","type":"requests","code":"rate_limit_exceeded"}})");
  CHECK(rl.error_class == LLMGW_ERR_RATE_LIMITED);
  CHECK(rl.retry_after_ms == 1000);
  const auto quota = cls(429, R"({"error":{"message":"x","type":"insufficient_quota","code":"insufficient_quota"}})");
  CHECK(quota.error_class == LLMGW_ERR_RATE_LIMITED);
  CHECK(quota.retry_after_ms == -1);
  CHECK(cls(402, R"({"error":{"code":402,"message":"credits"}})").retry_after_ms == -1);
  for (int s : {408, 409, 500, 502, 503, 504, 529}) {
    const auto t = cls(s, "");
    CHECK(t.error_class == LLMGW_ERR_TRANSIENT);
    CHECK(t.retry_after_ms == 1000);
    CHECK(t.status == s);
  }
  const auto redirect = cls(302, "");
  CHECK(redirect.error_class == LLMGW_ERR_BAD_RESPONSE);
  CHECK(redirect.status == 502);
}

TEST_CASE("default types and messages", "[errors]") {
  CHECK(classify_error(400, {}, -1).type == "invalid_request_error");
  CHECK(classify_error(401, {}, -1).type == "authentication_error");
  CHECK(classify_error(403, {}, -1).type == "permission_error");
  CHECK(classify_error(404, {}, -1).type == "not_found_error");
  CHECK(classify_error(429, {}, -1).type == "rate_limit_error");
  CHECK(classify_error(500, {}, -1).type == "server_error");
  CHECK(classify_error(503, {}, -1).message == "upstream returned HTTP 503");
  CHECK(classify_error(400, parse_error_body(R"({"error":{"type":"custom"}})"), -1).type == "custom");
}

TEST_CASE("status of an error reported inside a 200", "[errors]") {
  auto st = [](const char* body) { return status_for_embedded_error(parse_error_body(body)); };
  CHECK(st(R"({"error":{"message":"x","type":"server_error","code":null}})") == 500);
  CHECK(st(R"({"error":{"code":502,"message":"Provider returned error"}})") == 502);
  CHECK(st(R"({"error":{"code":"429","message":"x"}})") == 429);
  CHECK(st(R"({"error":{"message":"x","code":"context_length_exceeded"}})") == 400);
  CHECK(st(R"({"error":{"message":"x","type":"rate_limit_error"}})") == 429);
  CHECK(st(R"({"error":{"message":"x","type":"invalid_request_error"}})") == 400);
  CHECK(st(R"({"error":{"message":"x","type":"overloaded_error"}})") == 503);
  CHECK(st(R"({"error":"x"})") == 500);
}

TEST_CASE("redaction", "[errors]") {
  const std::string_view secrets[] = {"sk-proj-SECRETSECRET", "", "tok123"};
  std::string m = "Incorrect API key provided: sk-proj-SECRETSECRET. Also tok123 and tok123.";
  redact(m, secrets, 3);
  CHECK(m == "Incorrect API key provided: [REDACTED]. Also [REDACTED] and [REDACTED].");
  std::string masked = "Incorrect API key provided: sk-proj-****************************************abcd. You can find";
  redact(masked, secrets, 3);
  CHECK(masked == "Incorrect API key provided: sk-***. You can find");
  std::string word = "a task-sk-1234 and desk- and sk-ab";
  redact(word, nullptr, 0);
  CHECK(word == "a task-sk-1234 and desk- and sk-ab");
}

TEST_CASE("error body: nested too deep is read as text, without a crash", "[error_body][depth]") {
  const std::string deep = "{\"detail\":" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  const ErrorFields f = parse_error_body(deep);
  CHECK(f.message.size() == kMaxTextMessageBytes);
  CHECK(f.message.compare(0, 10, "{\"detail\":") == 0);
  // Within the limit, "detail" is still written back out as compact JSON.
  CHECK(parse_error_body(R"({"detail":[[{"loc":["body"]}]]})").message == R"([[{"loc":["body"]}]])");
}

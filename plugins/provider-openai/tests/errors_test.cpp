// decode_response on failures: every class, retry hints from headers, secrets never leak.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <ctime>

using namespace test;

namespace {

const std::string kKey = "sk-proj-Zx81LeakCanary4242";
const std::string kConfig = R"({"provider":"openai","model":"gpt-4o","api_key":")" + kKey + R"("})";

ErrorCopy fail(int status, std::string_view body, const Headers& headers = {}) {
  Plugin p(kConfig);
  REQUIRE(p.rc == LLMGW_OK);
  const Result r = decode(p, status, body, headers);
  REQUIRE(r.rc == LLMGW_ERROR);
  REQUIRE(r.error);
  CHECK_FALSE(r.use_upstream_body);
  return *r.error;
}

std::string http_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

TEST_CASE("400 invalid request keeps the upstream's fields", "[errors]") {
  const ErrorCopy e = fail(400, R"({"error":{"message":"Invalid value for 'temperature': expected <= 2.","type":"invalid_request_error","param":"temperature","code":"invalid_value"}})");
  CHECK(e.cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(e.status == 400);
  CHECK(e.type == "invalid_request_error");
  CHECK(e.param == "temperature");
  CHECK(e.code == "invalid_value");
  CHECK(e.message == "Invalid value for 'temperature': expected <= 2.");
  CHECK(e.retry_after_ms == -1);
}

TEST_CASE("context window", "[errors]") {
  const ErrorCopy code = fail(400, R"({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})");
  CHECK(code.cls == LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(code.status == 400);
  CHECK(fail(400, R"({"object":"error","message":"This model's maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400})").cls ==
        LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(fail(422, R"({"detail":"Input exceeds the context window of this model"})").cls == LLMGW_ERR_CONTEXT_WINDOW);
}

TEST_CASE("content policy (Azure content filter)", "[errors]") {
  const ErrorCopy e = fail(400, R"({"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":true,"severity":"high"}}}}})");
  CHECK(e.cls == LLMGW_ERR_CONTENT_POLICY);
  CHECK(e.type == "invalid_request_error");  // type null → the default for 400
  CHECK(e.code == "content_filter");
  CHECK(fail(400, R"({"error":{"message":"x","type":"invalid_request_error","code":"content_policy_violation"}})").cls ==
        LLMGW_ERR_CONTENT_POLICY);
}

TEST_CASE("auth and not found", "[errors]") {
  const ErrorCopy auth = fail(401, R"({"error":{"message":"Incorrect API key provided: sk-proj-****************************************4242. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
  CHECK(auth.cls == LLMGW_ERR_AUTH);
  CHECK(auth.status == 401);
  CHECK(auth.message.find("4242") == std::string::npos);
  CHECK(auth.message.find("sk-***") != std::string::npos);
  const ErrorCopy az = fail(401, R"({"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint."}})");
  CHECK(az.cls == LLMGW_ERR_AUTH);
  CHECK(az.type == "authentication_error");
  CHECK(fail(403, R"({"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","code":"unsupported_country_region_territory"}})").cls ==
        LLMGW_ERR_AUTH);
  const ErrorCopy model = fail(404, R"({"error":{"message":"The model `gpt-5x` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}})");
  CHECK(model.cls == LLMGW_ERR_NOT_FOUND);
  CHECK(model.status == 404);
  CHECK(fail(404, R"({"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist."}})").cls ==
        LLMGW_ERR_NOT_FOUND);
  CHECK(fail(404, R"({"detail":"Not Found"})").cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(fail(422, R"({"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]})").cls ==
        LLMGW_ERR_INVALID_REQUEST);
}

TEST_CASE("429 with each kind of retry hint", "[errors]") {
  const std::string body = R"j({"error":{"message":"Rate limit reached for gpt-4o on tokens per min (TPM)","type":"tokens","param":null,"code":"rate_limit_exceeded"}})j";
  const ErrorCopy seconds = fail(429, body, {{"Retry-After", "20"}});
  CHECK(seconds.cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(seconds.status == 429);
  CHECK(seconds.type == "tokens");
  CHECK(seconds.retry_after_ms == 20000);

  const ErrorCopy date = fail(429, body, {{"retry-after", http_date(std::time(nullptr) + 30)}});
  CHECK(date.retry_after_ms > 28000);
  CHECK(date.retry_after_ms <= 30000);

  CHECK(fail(429, body, {{"retry-after-ms", "1500"}, {"retry-after", "2"}}).retry_after_ms == 1500);
  CHECK(fail(429, body, {{"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "6m0s"},
                         {"x-ratelimit-remaining-requests", "499"}, {"x-ratelimit-reset-requests", "120ms"}})
            .retry_after_ms == 360000);
  CHECK(fail(429, body).retry_after_ms == -1);
  CHECK(fail(429, "").type == "rate_limit_error");
}

TEST_CASE("insufficient_quota is rate-limited without a retry hint", "[errors]") {
  const ErrorCopy e = fail(429, R"({"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})",
                           {{"Retry-After", "5"}});
  CHECK(e.cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(e.retry_after_ms == -1);
}

TEST_CASE("transient: 408, 409, 5xx, with Retry-After", "[errors]") {
  for (int status : {408, 409, 500, 502, 503, 504, 529}) {
    INFO(status);
    const ErrorCopy e = fail(status, R"({"error":{"message":"The server had an error while processing your request.","type":"server_error"}})",
                             {{"Retry-After", "3"}});
    CHECK(e.cls == LLMGW_ERR_TRANSIENT);
    CHECK(e.status == status);
    CHECK(e.retry_after_ms == 3000);
  }
  const ErrorCopy html = fail(502, "<html><head><title>502 Bad Gateway</title></head><body>" + std::string(2000, '.') + "</body></html>");
  CHECK(html.cls == LLMGW_ERR_TRANSIENT);
  CHECK(html.type == "server_error");
  CHECK(html.message.size() == 500);
  CHECK(html.message.starts_with("<html><head><title>502 Bad Gateway"));
  CHECK(fail(503, "").message == "upstream returned HTTP 503");
}

TEST_CASE("other body shapes", "[errors]") {
  CHECK(fail(400, R"({"error":"messages must not be empty"})").message == "messages must not be empty");
  CHECK(fail(400, R"({"message":"bad input","type":"BadRequestError"})").type == "BadRequestError");
  CHECK(fail(500, R"({"detail":"Internal Server Error"})").message == "Internal Server Error");
  const ErrorCopy redirect = fail(307, "");
  CHECK(redirect.cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(redirect.status == 502);
}

TEST_CASE("the api key never appears in any error message", "[errors][secrets]") {
  const std::string bodies[] = {
      R"({"error":{"message":"Incorrect API key provided: )" + kKey + R"(.","type":")" + kKey + R"(","param":")" + kKey + R"(","code":")" + kKey + R"("}})",
      R"({"error":")" + kKey + R"("})",
      R"({"message":"key )" + kKey + R"( rejected"})",
      R"({"detail":[{"msg":")" + kKey + R"("}]})",
      "plain text with " + kKey + " inside",
      "Bearer " + kKey,
  };
  for (const std::string& body : bodies) {
    for (int status : {200, 400, 401, 403, 404, 429, 500, 302}) {
      INFO(status << " " << body);
      Plugin p(kConfig);
      const Result r = decode(p, status, status == 200 ? R"({"error":{"message":")" + kKey + R"("}})" : body);
      REQUIRE(r.error);
      for (const std::string* field : {&r.error->message, &r.error->type, &r.error->code, &r.error->param})
        CHECK(field->find(kKey) == std::string::npos);
      CHECK(r.error->message.find("Zx81") == std::string::npos);
    }
  }
  // Secrets from extra headers and Azure AD tokens are scrubbed too.
  Plugin az(R"({"provider":"azure","model":"d","api_base":"https://r.openai.azure.com","api_version":"2024-10-21",
               "extra":{"azure_ad_token":"eyJhbGciOiJSUzI1NiJ9.canary","headers":{"x-api-key":"hdr-canary-77"}}})");
  const Result r = decode(az, 401, R"({"error":{"message":"token eyJhbGciOiJSUzI1NiJ9.canary and hdr-canary-77 refused"}})");
  REQUIRE(r.error);
  CHECK(r.error->message == "token [REDACTED] and [REDACTED] refused");
}

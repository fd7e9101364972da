// Google's error shape → classified llmgw errors.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

ErrorCopy error_of(int status, const std::string& body, const Headers& headers = {}) {
  Plugin p;
  Call call(R"({"messages":[{"role":"user","content":"hi"}]})");
  const Result r = p.decode(call.c, status, body, headers);
  REQUIRE(r.rc == LLMGW_ERROR);
  REQUIRE(r.error);
  return *r.error;
}

std::string google(int code, const std::string& status, const std::string& message, const std::string& details = "") {
  return R"({"error":{"code":)" + std::to_string(code) + R"(,"message":")" + message + R"(","status":")" + status + "\"" +
         (details.empty() ? "" : R"(,"details":)" + details) + "}}";
}

}  // namespace

TEST_CASE("429 RESOURCE_EXHAUSTED: rate limited, Retry-After header first, else RetryInfo") {
  const std::string body = google(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota",
                                  R"([{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},
                                      {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"22s"}])");
  const ErrorCopy e = error_of(429, body);
  CHECK(e.cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(e.status == 429);
  CHECK(e.type == "rate_limit_error");
  CHECK(e.code == "RESOURCE_EXHAUSTED");
  CHECK(e.retry_after_ms == 22000);
  CHECK(error_of(429, body, {{"Retry-After", "3"}}).retry_after_ms == 3000);
  CHECK(error_of(429, google(429, "RESOURCE_EXHAUSTED", "q", R"([{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}])")).retry_after_ms == 1500);
  CHECK(error_of(429, google(429, "RESOURCE_EXHAUSTED", "q")).retry_after_ms == -1);
}

TEST_CASE("400 INVALID_ARGUMENT; context window overflow; rejected API key → 401") {
  const ErrorCopy bad = error_of(400, google(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \\\"foo\\\""));
  CHECK(bad.cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(bad.status == 400);
  CHECK(bad.type == "invalid_request_error");
  const ErrorCopy ctx = error_of(400, google(400, "INVALID_ARGUMENT",
                                            "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."));
  CHECK(ctx.cls == LLMGW_ERR_CONTEXT_WINDOW);
  CHECK(ctx.code == "context_length_exceeded");
  const ErrorCopy key = error_of(400, google(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                                            R"([{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}])"));
  CHECK(key.cls == LLMGW_ERR_AUTH);
  CHECK(key.status == 401);
  CHECK(key.type == "authentication_error");
}

TEST_CASE("403 PERMISSION_DENIED and 401 are AUTH; 404 NOT_FOUND") {
  CHECK(error_of(403, google(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers")).cls == LLMGW_ERR_AUTH);
  CHECK(error_of(401, google(401, "UNAUTHENTICATED", "no")).cls == LLMGW_ERR_AUTH);
  const ErrorCopy nf = error_of(404, google(404, "NOT_FOUND", "models/gemini-9 is not found"));
  CHECK(nf.cls == LLMGW_ERR_NOT_FOUND);
  CHECK(nf.status == 404);
}

TEST_CASE("500 INTERNAL, 503 UNAVAILABLE, 504: transient with the retry hint") {
  const ErrorCopy e500 = error_of(500, google(500, "INTERNAL", "An internal error has occurred."));
  CHECK(e500.cls == LLMGW_ERR_TRANSIENT);
  CHECK(e500.status == 500);
  const ErrorCopy e503 = error_of(503, google(503, "UNAVAILABLE", "The model is overloaded."), {{"retry-after", "2"}});
  CHECK(e503.cls == LLMGW_ERR_TRANSIENT);
  CHECK(e503.status == 503);
  CHECK(e503.retry_after_ms == 2000);
  CHECK(error_of(504, google(504, "DEADLINE_EXCEEDED", "late")).cls == LLMGW_ERR_TRANSIENT);
}

TEST_CASE("bodies that are not Google errors are classified by status with their text") {
  const ErrorCopy html = error_of(502, "<html><body>Bad Gateway</body></html>");
  CHECK(html.cls == LLMGW_ERR_TRANSIENT);
  CHECK(html.status == 502);
  CHECK_THAT(html.message, Catch::Contains("Bad Gateway"));
  std::string wrapped = "[";
  wrapped += google(400, "INVALID_ARGUMENT", "wrapped");
  wrapped += ']';
  const ErrorCopy arr = error_of(400, wrapped);
  CHECK(arr.message == "wrapped");
  CHECK(error_of(418, "").cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(error_of(302, "moved").cls == LLMGW_ERR_BAD_RESPONSE);
}

TEST_CASE("the API key never reaches an error message") {
  const ErrorCopy e = error_of(400, google(400, "INVALID_ARGUMENT", "bad key " + kKey + " and AIzaOtherKey123"));
  CHECK(e.message.find(kKey) == std::string::npos);
  CHECK(e.message.find("AIzaOtherKey123") == std::string::npos);
  CHECK_THAT(e.message, Catch::Contains("[REDACTED]"));
}

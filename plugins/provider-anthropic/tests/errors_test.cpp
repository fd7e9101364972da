// Errors: every Anthropic error type and status → class, status, type, retry-after; never a
// credential in a message.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

namespace {

const std::string kKey = "sk-ant-api03-ErrorsLeakCanary-42";
const std::string kConfig = R"({"provider":"anthropic","api_key":")" + kKey + R"("})";

std::string body(const std::string& type, const std::string& message) {
  return R"({"type":"error","error":{"type":")" + type + R"(","message":")" + message + R"("},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"})";
}

struct Case {
  int status;
  const char* type;
  const char* message;
  llmgw_error_class cls;
  const char* code;
};

}  // namespace

TEST_CASE("every documented error type maps to its class; status and type are kept", "[errors]") {
  Plugin p(kConfig);
  const Case cases[] = {
      {400, "invalid_request_error", "messages: roles must alternate", LLMGW_ERR_INVALID_REQUEST, ""},
      {400, "invalid_request_error", "prompt is too long: 215000 tokens > 200000 maximum", LLMGW_ERR_CONTEXT_WINDOW, "context_length_exceeded"},
      {400, "invalid_request_error", "input length and `max_tokens` exceed context limit: 197000 + 8192 > 200000", LLMGW_ERR_CONTEXT_WINDOW, "context_length_exceeded"},
      {401, "authentication_error", "invalid x-api-key", LLMGW_ERR_AUTH, ""},
      {402, "billing_error", "Your credit balance is too low", LLMGW_ERR_RATE_LIMITED, ""},
      {403, "permission_error", "Your API key does not have permission to use the specified resource.", LLMGW_ERR_AUTH, ""},
      {404, "not_found_error", "model: claude-nonexistent", LLMGW_ERR_NOT_FOUND, ""},
      {409, "conflict_error", "Conflict", LLMGW_ERR_TRANSIENT, ""},
      {413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", LLMGW_ERR_INVALID_REQUEST, ""},
      {429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", LLMGW_ERR_RATE_LIMITED, ""},
      {500, "api_error", "Internal server error", LLMGW_ERR_TRANSIENT, ""},
      {504, "timeout_error", "Request timed out", LLMGW_ERR_TRANSIENT, ""},
      {529, "overloaded_error", "Overloaded", LLMGW_ERR_TRANSIENT, ""},
  };
  for (llmgw_dialect d : {LLMGW_DIALECT_ANTHROPIC_MESSAGES, LLMGW_DIALECT_OPENAI_CHAT}) {
    for (const Case& c : cases) {
      INFO(c.status << " " << c.type << " dialect " << d);
      Call call(d == LLMGW_DIALECT_OPENAI_CHAT ? R"({"messages":[]})" : "{}", d);
      const Result r = decode(p, call.c, c.status, body(c.type, c.message));
      CHECK(r.rc == LLMGW_ERROR);
      CHECK_FALSE(r.use_upstream_body);
      CHECK(r.body.empty());
      REQUIRE(r.error);
      CHECK(r.error->cls == c.cls);
      CHECK(r.error->status == c.status);
      CHECK(r.error->type == c.type);
      CHECK(r.error->message == c.message);
      CHECK(r.error->code == c.code);
      CHECK(r.error->retry_after_ms == -1);
    }
  }
}

TEST_CASE("retry-after is kept for 429, 529 and 5xx", "[errors]") {
  Plugin p(kConfig);
  Call call = native("{}");
  const Result rl = decode(p, call.c, 429, body("rate_limit_error", "slow down"),
                           {{"retry-after", "17"}, {"anthropic-ratelimit-requests-remaining", "0"}});
  REQUIRE(rl.error);
  CHECK(rl.error->cls == LLMGW_ERR_RATE_LIMITED);
  CHECK(rl.error->retry_after_ms == 17000);
  const Result ov = decode(p, call.c, 529, body("overloaded_error", "Overloaded"), {{"Retry-After", "0.5"}});
  REQUIRE(ov.error);
  CHECK(ov.error->retry_after_ms == 500);
  const Result bad = decode(p, call.c, 400, body("invalid_request_error", "x"), {{"retry-after", "5"}});
  REQUIRE(bad.error);
  CHECK(bad.error->retry_after_ms == -1);  // a 400 is never retried
  const Result date = decode(p, call.c, 429, body("rate_limit_error", "x"), {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}});
  REQUIRE(date.error);
  CHECK(date.error->retry_after_ms == -1);
}

TEST_CASE("bodies that are not Anthropic errors still classify by status", "[errors]") {
  Plugin p(kConfig);
  Call call = native("{}");
  const Result html = decode(p, call.c, 413, "<html><body>413 Request Entity Too Large</body></html>");
  REQUIRE(html.error);
  CHECK(html.error->cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(html.error->status == 413);
  CHECK(html.error->type == "request_too_large");
  CHECK(html.error->message == "<html><body>413 Request Entity Too Large</body></html>");

  const Result empty = decode(p, call.c, 503, "");
  REQUIRE(empty.error);
  CHECK(empty.error->cls == LLMGW_ERR_TRANSIENT);
  CHECK(empty.error->type == "api_error");
  CHECK(empty.error->message == "upstream returned HTTP 503");

  const Result long_text = decode(p, call.c, 502, std::string(2000, 'x'));
  REQUIRE(long_text.error);
  CHECK(long_text.error->message.size() == 500);

  const Result redirect = decode(p, call.c, 302, "");
  REQUIRE(redirect.error);
  CHECK(redirect.error->cls == LLMGW_ERR_BAD_RESPONSE);
  CHECK(redirect.error->status == 502);

  const Result conflict = decode(p, call.c, 409, body("invalid_request_error", "conflict"));
  REQUIRE(conflict.error);
  CHECK(conflict.error->cls == LLMGW_ERR_TRANSIENT);
  const Result teapot = decode(p, call.c, 418, "{}");
  REQUIRE(teapot.error);
  CHECK(teapot.error->cls == LLMGW_ERR_INVALID_REQUEST);
  CHECK(teapot.error->type == "invalid_request_error");
}

TEST_CASE("the api key never reaches an error message", "[errors][secrets]") {
  Plugin p(kConfig);
  Call call = native("{}");
  const Result r = decode(p, call.c, 401, body("authentication_error", "invalid x-api-key: " + kKey));
  REQUIRE(r.error);
  CHECK(r.error->message == "invalid x-api-key: [REDACTED]");
  // Other Anthropic keys quoted back are masked too.
  const Result other = decode(p, call.c, 401, body("authentication_error", "key sk-ant-api03-SomeoneElse_9 is revoked"));
  REQUIRE(other.error);
  CHECK(other.error->message == "key sk-ant-*** is revoked");
  const Result in_type = decode(p, call.c, 400, body(kKey, "x"));
  REQUIRE(in_type.error);
  CHECK(in_type.error->type.find(kKey) == std::string::npos);
  const Result raw = decode(p, call.c, 500, "proxy error for key " + kKey);
  REQUIRE(raw.error);
  CHECK(raw.error->message.find(kKey) == std::string::npos);
}

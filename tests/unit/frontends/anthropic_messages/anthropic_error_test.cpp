#include <catch2/catch.hpp>

#include "frontends/anthropic_messages/anthropic_error.hpp"
#include "test_json.hpp"

using llmgw::canonical::ApiError;
using namespace llmgw::frontends::anthropic;

namespace {
llmgw::canonical::ApiError err(int status, std::string type, std::string message = "m") {
  llmgw::canonical::ApiError e;
  e.status = status;
  e.type = std::move(type);
  e.message = std::move(message);
  return e;
}
}  // namespace

TEST_CASE("anthropic error body has the Anthropic shape") {
  CHECK(anthropic_error_body(err(400, "invalid_request_error", "max_tokens: Field \"required\"")) ==
        R"({"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field \"required\""}})");
}

TEST_CASE("error types derive from the status when the type is not an Anthropic one") {
  struct Case { int status; const char* type; const char* expected; };
  const Case cases[] = {
      {400, "", "invalid_request_error"},        {401, "invalid_api_key", "authentication_error"},
      {402, "", "billing_error"},                {403, "", "permission_error"},
      {404, "", "not_found_error"},              {409, "", "conflict_error"},
      {413, "", "request_too_large"},            {422, "", "invalid_request_error"},
      {429, "insufficient_quota", "rate_limit_error"}, {429, "tokens", "rate_limit_error"},
      {500, "server_error", "api_error"},        {502, "", "api_error"},
      {503, "", "overloaded_error"},             {504, "", "timeout_error"},
      {529, "", "overloaded_error"},             {599, "", "api_error"},
      {200, "", "api_error"},
  };
  for (const auto& c : cases) {
    INFO(c.status << " " << c.type);
    CHECK(anthropic_error_type(err(c.status, c.type)) == c.expected);
  }
}

TEST_CASE("specific Anthropic types are kept; the generic ones yield to a specific status") {
  CHECK(anthropic_error_type(err(400, "overloaded_error")) == "overloaded_error");
  CHECK(anthropic_error_type(err(429, "rate_limit_error")) == "rate_limit_error");
  CHECK(anthropic_error_type(err(400, "billing_error")) == "billing_error");
  CHECK(anthropic_error_type(err(500, "timeout_error")) == "timeout_error");
  // The core's defaults: a 404 model_not_found is an OpenAI invalid_request_error, a 529 an api_error.
  CHECK(anthropic_error_type(err(404, "invalid_request_error")) == "not_found_error");
  CHECK(anthropic_error_type(err(413, "invalid_request_error")) == "request_too_large");
  CHECK(anthropic_error_type(err(401, "invalid_request_error")) == "authentication_error");
  CHECK(anthropic_error_type(err(529, "api_error")) == "overloaded_error");
  CHECK(anthropic_error_type(err(503, "api_error")) == "overloaded_error");
  CHECK(anthropic_error_type(err(422, "invalid_request_error")) == "invalid_request_error");
  CHECK(anthropic_error_type(err(500, "api_error")) == "api_error");
  CHECK(anthropic_error_type(err(502, "api_error")) == "api_error");
}

TEST_CASE("anthropic_status keeps the status; out of range becomes 500") {
  CHECK(anthropic_status(err(429, "insufficient_quota")) == 429);
  CHECK(anthropic_status(err(529, "overloaded_error")) == 529);
  CHECK(anthropic_status(err(404, "invalid_request_error")) == 404);
  CHECK(anthropic_status(err(0, "")) == 500);
  CHECK(anthropic_status(err(200, "")) == 500);
  CHECK(anthropic_error_body(err(0, "", "x")) == R"({"type":"error","error":{"type":"api_error","message":"x"}})");
}

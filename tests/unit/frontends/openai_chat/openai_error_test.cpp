#include <catch2/catch.hpp>

#include "frontends/openai_chat/openai_error.hpp"
#include "pipeline/provider_io.hpp"

TEST_CASE("OpenAI error body has message, type, param, code with nulls for empty fields") {
  llmgw::canonical::ApiError e{404, "invalid_request_error", "model_not_found", "", "no \"x\""};
  CHECK(llmgw::frontends::openai_chat::openai_error_body(e) ==
        R"({"error":{"message":"no \"x\"","type":"invalid_request_error","param":null,"code":"model_not_found"}})");
}

TEST_CASE("provider errors map to client errors with defaults by class") {
  llmgw_error e{};
  e.struct_size = sizeof e;
  e.error_class = LLMGW_ERR_RATE_LIMITED;
  e.retry_after_ms = 2000;
  auto api = llmgw::pipeline::to_api_error(e);
  CHECK(api.status == 429);
  CHECK(api.type == "rate_limit_error");
  CHECK(api.retry_after_ms == 2000);

  e.error_class = LLMGW_ERR_TRANSIENT;
  e.status = 503;
  e.message = {"busy", 4};
  api = llmgw::pipeline::to_api_error(e);
  CHECK(api.status == 503);
  CHECK(api.type == "api_error");
  CHECK(api.message == "busy");
}

TEST_CASE("usage from an older, shorter struct keeps unknown fields at -1") {
  llmgw_usage u{};
  u.struct_size = offsetof(llmgw_usage, cached_tokens);  // an 'old' plugin knew two fields
  u.prompt_tokens = 10;
  u.completion_tokens = 5;
  u.cached_tokens = 99;  // beyond its struct_size: must be ignored
  auto copy = llmgw::pipeline::copy_usage(&u);
  CHECK(copy.prompt_tokens == 10);
  CHECK(copy.completion_tokens == 5);
  CHECK(copy.cached_tokens == -1);
}

// encode_request failures → the client's error: a feature the provider lacks and a request that
// cannot be translated are 400s with the plugin's line (the provider named); any other failure is
// the gateway's own (500) and the plugin's text, which may name internals, is not sent.
#include "pipeline/encode_failure.hpp"

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

using llmgw::pipeline::encode_failure;

TEST_CASE("encode_failure: LLMGW_UNSUPPORTED is a 400 unsupported_feature naming the feature and the provider") {
  const auto named = encode_failure(LLMGW_UNSUPPORTED, "response_format json_object is not supported by Bedrock Converse", "bedrock", "b");
  CHECK(named.status == 400);
  CHECK(named.type == "invalid_request_error");
  CHECK(named.code == "unsupported_feature");
  CHECK(named.message == "response_format json_object is not supported by Bedrock Converse");  // names it already
  const auto unnamed = encode_failure(LLMGW_UNSUPPORTED, "logprobs are not supported by Gemini", "vertex_ai", "v");
  CHECK(unnamed.message == "logprobs are not supported by Gemini (provider vertex_ai)");
  const auto empty = encode_failure(LLMGW_UNSUPPORTED, "", "mistral", "m");
  CHECK(empty.status == 400);
  CHECK(empty.message == "a requested feature is not supported (provider mistral)");
}

TEST_CASE("encode_failure: LLMGW_BAD_ARGUMENT is a 400 with the plugin's line") {
  const auto e = encode_failure(LLMGW_BAD_ARGUMENT, "messages[0].content must be a string or an array", "gemini", "g");
  CHECK(e.status == 400);
  CHECK(e.type == "invalid_request_error");
  CHECK(e.code.empty());
  CHECK(e.message == "messages[0].content must be a string or an array");
  CHECK(encode_failure(LLMGW_BAD_ARGUMENT, "", "gemini", "g").message == "the request cannot be sent to this provider");
}

TEST_CASE("encode_failure: any other status is the gateway's 500; the plugin's text stays out of the answer") {
  for (const llmgw_status rc : std::initializer_list<llmgw_status>{LLMGW_ERROR, LLMGW_NOT_FOUND, -99}) {
    const auto e = encode_failure(rc, "std::bad_alloc in encode_contents.cpp:42", "cohere", "command-a");
    CHECK(e.status == 500);
    CHECK(e.type == "api_error");
    CHECK(e.code == "provider_encode_failed");
    CHECK(e.message.find("cohere") != std::string::npos);
    CHECK(e.message.find("'command-a'") != std::string::npos);
    CHECK(e.message.find("bad_alloc") == std::string::npos);
  }
}

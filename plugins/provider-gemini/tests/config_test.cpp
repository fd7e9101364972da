// create(): config JSON → URLs and headers, with one clear line for each mistake.
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace test;

TEST_CASE("defaults: Google's base URL, v1beta, the key header") {
  Plugin p;
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"x"}]})");
  CHECK(p.encode(call.c).url == "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
}

TEST_CASE("api_base ending with the version is not doubled") {
  Plugin p(R"({"provider":"gemini","api_key":"k","api_base":"http://127.0.0.1:1234/v1beta/"})");
  REQUIRE(p.rc == LLMGW_OK);
  Call call(R"({"messages":[{"role":"user","content":"x"}]})");
  CHECK(p.encode(call.c).url == "http://127.0.0.1:1234/v1beta/models/gemini-2.5-flash:generateContent");
}

TEST_CASE("no api_key: a warning, requests without the header") {
  Plugin p(R"({"provider":"gemini"})");
  REQUIRE(p.rc == LLMGW_OK);
  CHECK_FALSE(p.host.logs.empty());
  Call call(R"({"messages":[{"role":"user","content":"x"}]})");
  CHECK(p.encode(call.c).header("x-goog-api-key") == "<absent>");
}

TEST_CASE("bad configs are refused with one line") {
  CHECK(Plugin("[]").rc == LLMGW_BAD_ARGUMENT);
  const Plugin other(R"({"provider":"palm"})");
  CHECK(other.rc == LLMGW_BAD_ARGUMENT);
  CHECK_THAT(other.error, Catch::Contains("unknown provider"));
  const Plugin vertex_without_key(R"({"provider":"vertex_ai","extra":{"vertex_project":"p"}})");
  CHECK(vertex_without_key.rc == LLMGW_OK);  // as LiteLLM: it loads, and the calls fail (a warning says why)
  REQUIRE_FALSE(vertex_without_key.host.logs.empty());
  CHECK_THAT(vertex_without_key.host.logs[0].second, Catch::Contains("vertex_credentials"));
  CHECK(Plugin(R"({"provider":"vertex_ai"})").rc == LLMGW_BAD_ARGUMENT);  // no project either
  CHECK(Plugin(R"({"provider":"gemini","api_base":"ftp://x"})").rc == LLMGW_BAD_ARGUMENT);
  CHECK(Plugin(R"({"provider":"gemini","api_key":"a\nb"})").rc == LLMGW_BAD_ARGUMENT);
  CHECK(Plugin(R"({"provider":"gemini","api_version":"v1/../x"})").rc == LLMGW_BAD_ARGUMENT);
  CHECK(Plugin(R"({"provider":"gemini","extra":{"headers":{"bad name":"v"}}})").rc == LLMGW_BAD_ARGUMENT);
}

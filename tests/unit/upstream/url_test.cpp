#include <catch2/catch.hpp>

#include "upstream/url.hpp"

using llmgw::upstream::parse_url;

TEST_CASE("urls parse into scheme, host, port and path") {
  auto u = parse_url("https://api.openai.com/v1/chat/completions");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "api.openai.com");
  CHECK(u->port == 443);
  CHECK(u->path_query == "/v1/chat/completions");
  CHECK(u->origin == "https://api.openai.com:443");

  u = parse_url("http://127.0.0.1:8080/openai/deployments/x/chat/completions?api-version=2024-10-21");
  REQUIRE(u);
  CHECK(u->port == 8080);
  CHECK(u->path_query == "/openai/deployments/x/chat/completions?api-version=2024-10-21");

  u = parse_url("http://[::1]:9000");
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->path_query == "/");

  u = parse_url("echo:");
  REQUIRE(u);
  CHECK(u->scheme == "echo");
}

TEST_CASE("bad urls are refused") {
  CHECK_FALSE(parse_url("ftp://x/"));
  CHECK_FALSE(parse_url("http:/x"));
  CHECK_FALSE(parse_url("http://:80/"));
  CHECK_FALSE(parse_url("http://h:99999/"));
  CHECK_FALSE(parse_url("http://h:12a/"));
  CHECK_FALSE(parse_url("nocolon"));
}

// Upstream response heads (core/upstream/response_framing): framing per RFC 9112 §6.3 and the
// bytes that must never be relayed to a client.
#include <catch2/catch.hpp>

#include <Poco/Net/NetException.h>

#include <string>

#include "upstream/response_framing.hpp"

using llmgw::upstream::HeaderLines;
using llmgw::upstream::parse_response_head;

namespace {
auto parse(const std::string& head) {
  HeaderLines lines;
  return parse_response_head(head, lines);
}
}  // namespace

TEST_CASE("a response head gives status, framing and keep-alive") {
  HeaderLines lines;
  auto h = parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Request-Id: r1\r\n\r\n", lines);
  CHECK(h.status == 200);
  CHECK(h.content_length == 5);
  CHECK(h.keep_alive);
  REQUIRE(lines.count == 2);
  CHECK(lines.items[1].second == "r1");
  CHECK(parse("HTTP/1.1 204\r\n\r\n").status == 204);
  CHECK_FALSE(parse("HTTP/1.0 200 OK\r\n\r\n").keep_alive);
  CHECK(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").keep_alive);
  CHECK_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n").keep_alive);
}

TEST_CASE("Transfer-Encoding wins over Content-Length, and such a connection is not reused") {
  auto h = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK(h.chunked);
  CHECK(h.content_length == -1);
  CHECK_FALSE(h.keep_alive);
  auto g = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n");  // not chunked: until close
  CHECK_FALSE(g.chunked);
  CHECK(g.content_length == -1);
  CHECK_FALSE(g.keep_alive);
}

TEST_CASE("malformed response heads are refused") {
  using Poco::Net::MessageException;
  CHECK_THROWS_AS(parse("FOO/9 200 OK\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse("HTTP/2 200 OK\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse("HTTP/1.1 2000 OK\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse("HTTP/1.1 20 OK\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), MessageException);
  CHECK_NOTHROW(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"));
  CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse(std::string("HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n", 29)), MessageException);
  CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n"), MessageException);
  CHECK_THROWS_AS(parse("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), MessageException);
}

TEST_CASE("obs-fold in a response is joined with a space (RFC 9112 5.2)") {
  HeaderLines lines;
  parse_response_head("HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\n\r\n", lines);
  REQUIRE(lines.count == 1);
  CHECK(lines.items[0].second == "one two");
}

// util/json_span: json_string_end finds a string token's end with memchr; it must agree with the
// byte rule (a backslash escapes the next byte, the first unescaped quote closes) on every input.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "util/json_span.hpp"

namespace {

std::size_t byte_rule(std::string_view body, std::size_t begin) {
  if (begin >= body.size() || body[begin] != '"') return std::string_view::npos;
  for (std::size_t i = begin + 1; i < body.size(); ++i) {
    if (body[i] == '\\') ++i;
    else if (body[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

}  // namespace

TEST_CASE("json_string_end: examples", "[json_span]") {
  using llmgw::util::json_string_end;
  CHECK(json_string_end(R"("ab")", 0) == 4);
  CHECK(json_string_end(R"(x"a\"b" y)", 1) == 7);
  CHECK(json_string_end(R"("a\\" y)", 0) == 5);
  CHECK(json_string_end(R"("a\\\"b")", 0) == 8);
  CHECK(json_string_end(R"("\")", 0) == std::string_view::npos);
  CHECK(json_string_end(R"("abc)", 0) == std::string_view::npos);
  CHECK(json_string_end("abc", 0) == std::string_view::npos);
  CHECK(json_string_end(R"("a")", 5) == std::string_view::npos);
}

TEST_CASE("json_string_end: the byte rule on random quotes and backslashes", "[json_span]") {
  std::mt19937 rng(7);
  const std::string alphabet = "\"\\\\\\ab";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), len(1, 24);
  for (int n = 0; n < 200000; ++n) {
    std::string s(len(rng), ' ');
    for (char& c : s) c = alphabet[pick(rng)];
    for (std::size_t begin = 0; begin <= s.size(); ++begin) {
      INFO(s << " @" << begin);
      REQUIRE(llmgw::util::json_string_end(s, begin) == byte_rule(s, begin));
    }
  }
}

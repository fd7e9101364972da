// util/http_field_line: the one-pass field line reader the head parsers try first, against the
// line-by-line reading it stands in for (line end, colon, token name, OWS-trimmed field value).
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "util/http_field_line.hpp"

namespace {

using llmgw::util::fast_field_line;
using llmgw::util::find_control_byte;

/// The head parsers' own reading of the line at `pos`: true when it is a field line they accept.
bool reference_field_line(std::string_view head, std::size_t& pos, std::string_view& name, std::string_view& value) {
  if (pos >= head.size()) return false;
  std::size_t eol = head.find('\n', pos);
  if (eol == std::string_view::npos) eol = head.size();
  std::string_view line = head.substr(pos, eol - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.front() == ' ' || line.front() == '\t') return false;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  name = line.substr(0, colon);
  if (!llmgw::util::is_http_token(name)) return false;
  value = llmgw::util::trim_ows(line.substr(colon + 1));
  if (!llmgw::util::is_field_value(value)) return false;
  pos = eol + 1;
  return true;
}

std::size_t reference_control_byte(std::string_view s, std::size_t k) {
  for (; k < s.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(s[k]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return k;
  }
  return s.size();
}

}  // namespace

TEST_CASE("find_control_byte finds the first control byte at every position") {
  for (std::size_t len = 1; len <= 24; ++len)
    for (std::size_t at = 0; at < len; ++at)
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(b);
        if (at + 3 < len) s[at + 3] = '\t';  // a tab after it never hides it
        for (std::size_t from : {std::size_t{0}, at}) {
          INFO("len " << len << " at " << at << " byte " << b << " from " << from);
          REQUIRE(find_control_byte(s, from) == reference_control_byte(s, from));
        }
      }
}

TEST_CASE("fast_field_line reads ordinary lines as the line-by-line reading does") {
  const char* heads[] = {
      "Host: example.com\r\n\r\n",
      "Content-Length:12\n\n",
      "X-A:   spaced \t value\t \r\nNext: 1\r\n",
      "X-Tab: a\tb\r\n",
      "X-Empty:\r\n",
      "X-Empty-Ows: \t \r\n",
      "X-Obs-Text: caf\xc3\xa9\r\n",
      "X-Last: at the end",
      "X-Last-Cr: at the end\r",
      "Authorization: Bearer sk-0123456789abcdef0123456789abcdef\r\n",
  };
  for (const char* h : heads) {
    INFO(h);
    std::string_view head(h);
    std::size_t p1 = 0, p2 = 0;
    std::string_view n1, v1, n2, v2;
    REQUIRE(reference_field_line(head, p1, n1, v1));
    REQUIRE(fast_field_line(head, p2, n2, v2));
    CHECK(n2 == n1);
    CHECK(v2 == v1);
    CHECK(p2 == p1);
  }
}

TEST_CASE("fast_field_line leaves every other line to the caller") {
  using namespace std::literals;
  const std::string_view heads[] = {"\r\n"sv, "\n"sv, " folded\r\n"sv, "\tfolded\r\n"sv, "No colon\r\n"sv,
                                    ": no name\r\n"sv, "Bad Name: x\r\n"sv, "Bad@Name: x\r\n"sv, "X: a\rb\r\n"sv,
                                    "X: a\x01\r\n"sv, "X: a\x7f\r\n"sv, "X: a\r\r\n"sv, "X: a\0b\r\n"sv, ""sv};
  for (const std::string_view h : heads) {
    INFO(h);
    std::size_t pos = 0;
    std::string_view name = "unchanged", value = "unchanged";
    CHECK_FALSE(fast_field_line(h, pos, name, value));
    CHECK(pos == 0);
    CHECK(name == "unchanged");
  }
}

TEST_CASE("fast_field_line never accepts what the line-by-line reading refuses, nor reads it otherwise") {
  // Lines of bytes that matter to the rules: token bytes, separators, OWS, line ends, controls.
  const std::string alphabet = std::string("aZ9-!:; \t\r\n\x01\x7f\x80\"(") + '\0';
  std::mt19937 rng(20261207);
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string head;
    const int len = static_cast<int>(rng() % 24);
    for (int j = 0; j < len; ++j) head += alphabet[rng() % alphabet.size()];
    std::size_t p1 = 0, p2 = 0;
    std::string_view n1, v1, n2, v2;
    const bool ref = reference_field_line(head, p1, n1, v1);
    if (!fast_field_line(head, p2, n2, v2)) continue;
    ++accepted;
    INFO("head bytes: " << head.size());
    REQUIRE(ref);
    REQUIRE(n2 == n1);
    REQUIRE(v2 == v1);
    REQUIRE(p2 == p1);
  }
  CHECK(accepted > 1000);  // the walk did reach the fast path
}

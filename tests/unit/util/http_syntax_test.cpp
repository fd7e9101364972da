// util/http_syntax: the word-at-a-time field-value check against the byte-by-byte rule it
// replaces, for every byte value at every position of strings around the word size.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "util/http_syntax.hpp"

namespace {

bool reference_field_value(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

}  // namespace

TEST_CASE("is_field_value agrees with the byte rule for every byte at every position") {
  for (std::size_t len = 1; len <= 24; ++len)
    for (std::size_t at = 0; at < len; ++at)
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(b);
        INFO("len " << len << " at " << at << " byte " << b);
        REQUIRE(llmgw::util::is_field_value(s) == reference_field_value(s));
      }
}

TEST_CASE("is_field_value agrees with the byte rule on random values") {
  std::mt19937 rng(42);
  // Mostly printable and high bytes, with a control now and then.
  std::uniform_int_distribution<int> pick(0, 299);
  for (int round = 0; round < 20000; ++round) {
    std::string s(static_cast<std::size_t>(pick(rng) % 40), ' ');
    for (char& c : s) {
      const int r = pick(rng);
      c = static_cast<char>(r < 290 ? 0x20 + r % 0xe0 : r - 290 + (r % 2 ? 0 : 0x7a));
    }
    REQUIRE(llmgw::util::is_field_value(s) == reference_field_value(s));
  }
  CHECK(llmgw::util::is_field_value(""));
  CHECK(llmgw::util::is_field_value("Bearer sk-\x80\xff obs-text\tand a tab"));
  CHECK_FALSE(llmgw::util::is_field_value("0123456789abcdef\x7f"));
  CHECK_FALSE(llmgw::util::is_field_value("0123456789abcdef\r\n"));
}

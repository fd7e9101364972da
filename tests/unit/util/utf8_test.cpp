// The UTF-8 check that stands in for rapidjson's per-character validation.
#include <catch2/catch.hpp>

#include <string>

#include "util/utf8.hpp"

using llmgw::util::invalid_utf8_at;

TEST_CASE("valid UTF-8 passes, whatever its mix of ASCII and multi-byte runs", "[utf8]") {
  for (std::string s : {std::string(""), std::string("plain ascii, longer than eight bytes"),
                        std::string("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 end"),      // é € 😀
                        std::string("\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf"),            // U+D7FF U+E000 U+10FFFF
                        std::string(100, 'a') + "\xc2\x80" + std::string(7, 'b')}) {
    INFO(s);
    CHECK(invalid_utf8_at(s) == s.size());
  }
}

TEST_CASE("invalid UTF-8 is found at its first byte", "[utf8]") {
  struct Case { std::string s; std::size_t at; };
  const Case cases[] = {
      {"abc\xff", 3},                         // never a UTF-8 byte
      {"abcdefgh\x80xyz", 8},                 // a lone continuation byte after an ASCII run
      {"\xc0\xaf", 0},                        // overlong '/'
      {"\xe0\x80\xaf", 0},                    // overlong, three bytes
      {"\xed\xa0\x80", 0},                    // a surrogate (U+D800)
      {"\xf4\x90\x80\x80", 0},                // above U+10FFFF
      {"ok \xe2\x82", 3},                     // cut short at the end
      {"\xe2\x28\xa1", 0},                    // second byte not a continuation
      {"\xf0\x9f\x98\x28", 0},                // fourth byte not a continuation
  };
  for (const auto& c : cases) {
    INFO(c.s);
    CHECK(invalid_utf8_at(c.s) == c.at);
  }
}

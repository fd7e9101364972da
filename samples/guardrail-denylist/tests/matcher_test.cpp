// TermMatcher: leftmost, then longest; case folding on ASCII only; could_grow for streams.
#include <catch2/catch.hpp>

#include "term_matcher.hpp"

using denylist::Match;
using denylist::Term;
using denylist::TermMatcher;

TEST_CASE("leftmost match first, the longest term at that position, no overlaps") {
  const TermMatcher m({{"ab", false}, {"abcd", true}, {"cde", false}}, false);
  const auto all = m.find_all("xxabcdexx abc");
  REQUIRE(all.size() == 2);
  CHECK(all[0].offset == 2);
  CHECK(all[0].len == 4);
  CHECK(all[0].block);
  CHECK(all[1].offset == 10);  // "ab" of "abc": "abcd" does not fit
  CHECK(all[1].len == 2);
  CHECK_FALSE(all[1].block);
}

TEST_CASE("ASCII letters fold unless case_sensitive; other bytes compare exactly") {
  const TermMatcher folded({{"Zeus", true}, {"\xC3\xA9t\xC3\xA9", false}}, false);
  CHECK(folded.find_all("project ZEUS").size() == 1);
  CHECK(folded.find_all("\xC3\xA9T\xC3\xA9").size() == 1);      // été, the T folds
  CHECK(folded.find_all("\xC3\x89T\xC3\x89").empty());           // ÉTÉ: not ASCII, not folded
  const TermMatcher exact({{"Zeus", true}}, true);
  CHECK(exact.find_all("project ZEUS").empty());
  CHECK(exact.find_all("project Zeus").size() == 1);
}

TEST_CASE("on equal length a block term wins over a redact term") {
  const TermMatcher m({{"acme", false}, {"ACME", true}}, false);
  const auto hit = m.match_at("acme", 0);
  REQUIRE(hit);
  CHECK(hit->block);
}

TEST_CASE("could_grow: the rest of the text is a proper prefix of a longer term") {
  const TermMatcher m({{"ab", false}, {"abcd", false}}, false);
  CHECK(m.could_grow("xa", 1));
  CHECK(m.could_grow("xab", 1));   // "ab" matches, but "abcd" might
  CHECK(m.could_grow("xabc", 1));
  CHECK_FALSE(m.could_grow("xabcd", 1));
  CHECK_FALSE(m.could_grow("xb", 1));
  CHECK_FALSE(m.could_grow("x", 1));  // past the end
}

TEST_CASE("no terms, empty text") {
  const TermMatcher none({}, false);
  CHECK(none.find_all("anything").empty());
  const TermMatcher m({{"a", false}}, false);
  CHECK(m.find_all("").empty());
  CHECK_FALSE(m.match_at("", 0));
}

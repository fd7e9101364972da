// Finds deny-list terms in text: leftmost match first, the longest term at that position, no
// overlaps. ASCII letters compare without case unless case_sensitive; every other byte (UTF-8
// included) compares exactly, so offsets into the text are byte offsets and stay valid.
//
// A stream asks could_grow() before it decides at a position: while the text from there on is a
// proper prefix of a longer term, more text could turn it into a (longer) match, so the stream
// holds it back. Deciding only when could_grow() is false gives the same matches as find_all()
// on the whole text, however the text is cut into pieces.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace denylist {

struct Term {
  std::string text;
  bool block = false;  // true: a match blocks the call; false: it is replaced
};

struct Match {
  std::size_t offset = 0;
  std::size_t len = 0;
  bool block = false;
};

class TermMatcher {
 public:
  TermMatcher(std::vector<Term> terms, bool case_sensitive);

  /// The longest term that matches `text` at `pos` (on equal length a block term wins).
  std::optional<Match> match_at(std::string_view text, std::size_t pos) const;
  /// True when text[pos..] is shorter than some term and equal to its beginning.
  bool could_grow(std::string_view text, std::size_t pos) const;
  /// Every match, leftmost first, the longest at each position, none overlapping.
  std::vector<Match> find_all(std::string_view text) const;

 private:
  unsigned char fold(unsigned char c) const noexcept;
  bool same(std::string_view text, std::size_t pos, const std::string& term, std::size_t len) const noexcept;

  std::vector<Term> terms_;
  bool case_sensitive_;
  std::array<std::vector<std::size_t>, 256> by_first_;  // folded first byte → term indexes
};

}  // namespace denylist

#include "term_matcher.hpp"

#include <algorithm>
#include <utility>

namespace denylist {

TermMatcher::TermMatcher(std::vector<Term> terms, bool case_sensitive)
    : terms_(std::move(terms)), case_sensitive_(case_sensitive) {
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    if (terms_[i].text.empty()) continue;
    by_first_[fold(static_cast<unsigned char>(terms_[i].text[0]))].push_back(i);
  }
}

unsigned char TermMatcher::fold(unsigned char c) const noexcept {
  if (!case_sensitive_ && c >= 'A' && c <= 'Z') return static_cast<unsigned char>(c - 'A' + 'a');
  return c;
}

bool TermMatcher::same(std::string_view text, std::size_t pos, const std::string& term, std::size_t len) const noexcept {
  for (std::size_t k = 0; k < len; ++k) {
    if (fold(static_cast<unsigned char>(text[pos + k])) != fold(static_cast<unsigned char>(term[k]))) return false;
  }
  return true;
}

std::optional<Match> TermMatcher::match_at(std::string_view text, std::size_t pos) const {
  if (pos >= text.size()) return std::nullopt;
  std::optional<Match> best;
  for (std::size_t i : by_first_[fold(static_cast<unsigned char>(text[pos]))]) {
    const Term& t = terms_[i];
    if (t.text.size() > text.size() - pos || !same(text, pos, t.text, t.text.size())) continue;
    if (!best || t.text.size() > best->len || (t.text.size() == best->len && t.block && !best->block))
      best = Match{pos, t.text.size(), t.block};
  }
  return best;
}

bool TermMatcher::could_grow(std::string_view text, std::size_t pos) const {
  if (pos >= text.size()) return false;
  const std::size_t rest = text.size() - pos;
  for (std::size_t i : by_first_[fold(static_cast<unsigned char>(text[pos]))]) {
    const Term& t = terms_[i];
    if (t.text.size() > rest && same(text, pos, t.text, rest)) return true;
  }
  return false;
}

std::vector<Match> TermMatcher::find_all(std::string_view text) const {
  std::vector<Match> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (auto m = match_at(text, pos)) {
      out.push_back(*m);
      pos += m->len;
    } else {
      ++pos;
    }
  }
  return out;
}

}  // namespace denylist

#include "key_block.hpp"

#include <algorithm>

namespace llmgw::pii {

bool private_key_label(std::string_view label) {
  for (std::string_view type : {"", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", "PGP "})
    if (label.starts_with(type)) {
      const std::string_view rest = label.substr(type.size());
      if (rest == "PRIVATE KEY" || rest == "PRIVATE KEY BLOCK") return true;
    }
  return false;
}

std::size_t key_end_line(std::string_view text) {
  for (std::size_t at = text.find(kKeyEnd); at != std::string_view::npos; at = text.find(kKeyEnd, at + 1)) {
    const std::size_t label = at + kKeyEnd.size();
    const std::size_t close = text.find(kKeyDashes, label);
    if (close == std::string_view::npos) return std::string_view::npos;
    if (private_key_label(text.substr(label, close - label))) return close + kKeyDashes.size();
  }
  return std::string_view::npos;
}

std::size_t KeyBlockHold::hold(std::string_view text, uint64_t base, std::size_t limit,
                               const std::vector<bool>& key_chars) {
  constexpr std::size_t npos = std::string_view::npos;
  const uint64_t end = base + text.size();
  const uint64_t lowest = std::max(end - std::min<uint64_t>(limit, text.size()), from_);
  if (next_ < lowest) {
    next_ = lowest;
    close_ = 0;
  }
  for (std::size_t at = text.find(kKeyBegin, next_ - base); at != npos; at = text.find(kKeyBegin, at + 1)) {
    // Within the run only if every byte from it to the end is a key character.
    for (uint64_t i = std::max(checked_, base + at); i < end; ++i)
      if (!key_chars[static_cast<unsigned char>(text[i - base])]) from_ = i + 1;
    checked_ = end;
    if (base + at < from_) {
      next_ = from_;
      close_ = 0;
      at = from_ - base - 1;  // on from_
      continue;
    }
    if (base + at != next_) {
      next_ = base + at;
      close_ = 0;
    }
    const std::size_t label = at + kKeyBegin.size();
    const std::size_t from = close_ != 0 ? close_ - base : label;
    const std::size_t close = text.find(kKeyDashes, from);
    if (close == npos) {
      // Unfinished: its dashes may begin in the last bytes, completed by the next ones.
      close_ = base + std::max(from, text.size() - std::min(text.size(), kKeyDashes.size() - 1));
      return text.size() - at;
    }
    close_ = base + close;
    if (private_key_label(text.substr(label, close - label))) return text.size() - at;
    next_ = base + at + 1;  // a finished header that is not a private key's: never one again
    close_ = 0;
  }
  // No "-----BEGIN " starts before the last bytes, which the next ones may complete into one.
  next_ = std::max(next_, base + text.size() - std::min(text.size(), kKeyBegin.size() - 1));
  if (text.empty() || kKeyBegin.find(text.back()) == npos) return 0;
  for (std::size_t n = std::min(kKeyBegin.size() - 1, text.size()); n > 0; --n)
    if (text.back() == kKeyBegin[n - 1] && text.substr(text.size() - n) == kKeyBegin.substr(0, n)) return n;
  return 0;
}

}  // namespace llmgw::pii

#include "suppression.hpp"

#include <algorithm>

#include "key_block.hpp"
#include "redactor.hpp"

namespace llmgw::pii {

Suppression::Suppression(const Scanner& scanner, unsigned detector, bool mask, std::string_view held)
    : scanner_(scanner), detector_(detector), mask_(mask), key_(detector == scanner.key_detector()) {
  if (key_) tail_.assign(held.substr(held.size() - std::min(held.size(), kTail)));
}

std::size_t Suppression::consume(std::string_view text, std::string& masked, bool& ended) {
  std::size_t n = 0;  // the bytes of the match's characters
  while (n < text.size() && scanner_.match_char(detector_, static_cast<unsigned char>(text[n]))) ++n;
  ended = n < text.size();
  if (key_) {
    // An END line ends the block; it may have begun in the bytes before these.
    std::string window = tail_;
    window.append(text.substr(0, n));
    const std::size_t end = key_end_line(window);
    if (end != std::string_view::npos && end > tail_.size()) {
      n = end - tail_.size();
      ended = true;
    } else {
      tail_ = window.substr(window.size() - std::min(window.size(), kTail));
    }
  }
  if (mask_) masked += mask_all(text.substr(0, n));
  return n;
}

}  // namespace llmgw::pii

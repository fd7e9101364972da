#include "key_block.hpp"

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

}  // namespace llmgw::pii

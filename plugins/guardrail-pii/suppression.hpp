// The rest of a match a stream fails closed on (Scanner::overflow, open): it has outgrown what
// the stream may hold back, its placeholder (or mask) is out, and the bytes that still belong to
// it are dropped as they arrive (masked instead, under mask) until it ends: for a token at the
// first byte its detector's characters do not include, for a private key block after its END
// line (or at a byte no key block holds). Holds no text but the last bytes of the block, where an
// END line may be cut across events.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "scanner.hpp"

namespace llmgw::pii {

class Suppression {
 public:
  /// `held`: the match's text so far (its last bytes are kept for a key's END line); `mask`:
  /// suppressed bytes leave with every letter and digit as '*' instead of being dropped.
  Suppression(const Scanner& scanner, unsigned detector, bool mask, std::string_view held);

  /// How many bytes at the start of `text` still belong to the match; `ended`: the match ends
  /// within them (or right after them). Under mask, those bytes masked are appended to `masked`.
  std::size_t consume(std::string_view text, std::string& masked, bool& ended);

 private:
  static constexpr std::size_t kTail = 64;  // longer than any END line
  const Scanner& scanner_;
  unsigned detector_;
  bool mask_;
  bool key_;
  std::string tail_;  // a key block's last bytes
};

}  // namespace llmgw::pii

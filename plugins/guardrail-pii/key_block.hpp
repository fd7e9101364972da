// The lines of a PEM private key block as the private_key detector matches them:
// "-----BEGIN [TYPE ]PRIVATE KEY[ BLOCK]-----" … "-----END [TYPE ]PRIVATE KEY[ BLOCK]-----".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace llmgw::pii {

inline constexpr std::string_view kKeyBegin = "-----BEGIN ";
inline constexpr std::string_view kKeyEnd = "-----END ";
inline constexpr std::string_view kKeyDashes = "-----";

/// Whether `label` names a private key as the private_key pattern does: "[TYPE ]PRIVATE KEY[ BLOCK]".
bool private_key_label(std::string_view label);

/// Where the first complete private key END line in `text` ends (the offset after its last
/// dash), or npos.
std::size_t key_end_line(std::string_view text);

/// How much of a stream's held text a private key block keeps held (Scanner::hold_back). The
/// run: the bytes at the end that are all characters of a key line or body (`key_chars`), at
/// most `limit` and at most the held text. A match from a BEGIN line can still grow (to a later
/// END line: the longest match wins) exactly while everything after its BEGIN is such
/// characters, whatever END lines came already; so the hold is from the first BEGIN within the
/// run whose header is a private key's or is still unfinished, else a partial "-----BEGIN " at
/// the end. (Headers, END lines included, are made of body characters: a BEGIN outside the run
/// is followed by a byte no match crosses, and whatever it matched is final.)
///
/// One per stream channel: it remembers how far the held text was searched, so an event costs
/// its own bytes, not the run's (a 16 KB run of key characters was searched for "-----BEGIN "
/// again on every event, an unfinished header for its closing dashes). The run itself is
/// measured only from a BEGIN found, each byte once: prose is nearly all key characters
/// (letters, spaces, commas), and walking back over it on every event cost more than the rest
/// of the hold-back.
class KeyBlockHold {
 public:
  /// `text`: the held text, text[0] at stream offset `base`.
  std::size_t hold(std::string_view text, uint64_t base, std::size_t limit, const std::vector<bool>& key_chars);

 private:
  /// "-----BEGIN " is looked for from this stream offset on: every one before it within the run
  /// has a finished header that is not a private key's.
  uint64_t next_ = 0;
  /// The BEGIN at next_: its header's closing dashes are looked for from here (0: from its label).
  uint64_t close_ = 0;
  /// The run starts here or later: the byte before is one no key block holds.
  uint64_t from_ = 0;
  /// Bytes up to here were looked at for from_.
  uint64_t checked_ = 0;
};

}  // namespace llmgw::pii

// The detectors compiled into Hyperscan databases at create: one block-mode database for whole
// texts and one streaming-mode database for streamed answers, each holding every enabled
// detector. One scan of a text (or each byte of a stream once) reports where matches END; only
// around those ends (rare in ordinary text) a small per-detector database compiled with
// HS_FLAG_SOM_LEFTMOST re-reads a window as long as the detector's longest match, to find where
// each match starts — start-of-match tracking over the whole text costs 10-300x throughput on
// patterns that begin with a character class (e-mail addresses, tokens). select() then keeps,
// per start, the longest end that passes the detector's validator and the allow-list, then the
// leftmost non-overlapping matches.
#pragma once

#include <hs/hs.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detectors.hpp"
#include "key_block.hpp"

namespace llmgw::pii {

/// Where a detector's match ends (absolute stream offsets in streams).
struct Hit {
  unsigned detector = 0;
  uint64_t end = 0;
  /// In streams: the `span` ends before `end` are the detector's hits too, and every byte
  /// between them is one of its characters. A token growing a byte at a time is one Hit, not
  /// one per byte (an 8 KB JWT reported ~8,000 ends), and confirm() takes it in one step.
  uint64_t span = 0;
  uint64_t first() const { return end - span; }
};

struct Match {
  unsigned detector = 0;   // index into Scanner::detectors()
  uint64_t from = 0;       // [from, to): byte offsets (absolute stream offsets in streams)
  uint64_t to = 0;
};

/// A match in a stream that has outgrown what the stream holds back for its detector (its cap:
/// 16 KB for a private key block, hold_limit for a token, 256 bytes for an unbounded custom
/// pattern); the stream fails closed on it (pii_stream.hpp).
struct Overflow {
  unsigned detector = 0;
  uint64_t from = 0;  // where the match starts (stream offset)
  uint64_t to = 0;    // where it ends; with `open`, the end of the held text
  bool open = false;  // it reaches the end of the held text and can still grow
};

/// What Scanner::hold_back carries from one call to the next on a stream channel's held text.
struct HoldState {
  /// Per detector: the run of its characters ending the held text as it stood at the previous
  /// call (empty at first; all zero: start over from the next bytes). The private key's stays
  /// zero: KeyBlockHold measures its run only from a BEGIN line.
  std::vector<std::size_t> runs;
  KeyBlockHold key;  // how far the held text was searched for a key block's BEGIN line
};

class Scanner {
 public:
  /// Compiles the detectors whose action is not off. Throws std::runtime_error naming the
  /// detector whose pattern Hyperscan refuses. `allow` values are never matches (exact,
  /// ASCII case-insensitive).
  Scanner(std::vector<Detector> detectors, std::vector<std::string> allow);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  const std::vector<Detector>& detectors() const { return detectors_; }

  /// Every match in `text`, validated, non-overlapping, in order (one block-mode scan).
  std::vector<Match> scan(std::string_view text) const;

  /// Where matches end in `text` (one block-mode scan and native_hits), appended to `hits`.
  /// With `phone_starts`, the phone detector's candidate starts go there instead (see
  /// native_hits.hpp; scan() runs its pattern anchored at each). False when Hyperscan fails.
  bool find_hits(std::string_view text, std::vector<Hit>& hits, std::vector<std::size_t>* phone_starts = nullptr) const;
  /// The matches (start and end, unvalidated) around `hits` in `text`, whose first byte is at
  /// offset `base`: each detector's start-of-match database over [end - longest, end]; for a
  /// detector without a validator only the longest end of each start (select() needs no other).
  /// No match starts before `min_from` (a window starts there at the earliest). O(the windows):
  /// a Hit's span and each end's walk back to the end before it cost nothing per end.
  std::vector<Match> confirm(std::string_view text, uint64_t base, std::vector<Hit> hits, uint64_t min_from = 0) const;

  /// Validated, non-overlapping matches among `raw`, whose offsets are relative to `base`, the
  /// offset of text[0]; raw matches outside the text are skipped.
  /// A candidate that overlaps one taken before it is looked for again after that one (a later
  /// start with the same end, which a start-of-match scan does not report).
  std::vector<Match> select(std::string_view text, uint64_t base, const std::vector<Match>& raw) const;

  /// A private key block cut before its END line: the first complete `-----BEGIN … PRIVATE
  /// KEY-----` line in `text` followed by key characters up to the end of `text` with no END line
  /// among them, as one match to the end (offsets from `base`). A whole text ends there (an
  /// answer cut by max_tokens inside a key), and so does a stream at its close; anything else
  /// after the key's body (a byte no key holds) leaves it not a block.
  std::optional<Match> cut_key_block(std::string_view text, uint64_t base) const;
  /// Puts `m` in `found` (in order) in place of the matches it overlaps.
  static void take_over(std::vector<Match>& found, const Match& m);

  // Streams.
  hs_stream_t* open_stream() const;
  /// Scans the next bytes of a stream, `text` (text[0] at stream offset `offset`); hits
  /// appended to `hits`, or merged into the detector's latest hit there when it ended on the
  /// byte before (Hit::span); `last_hit[detector]` (sized to the detectors) raised to each end.
  bool scan_stream(hs_stream_t* stream, std::string_view text, uint64_t offset, std::vector<Hit>& hits,
                   std::vector<uint64_t>& last_hit) const;
  /// Ends a stream (hits that need the end, such as a final \b, are appended) and frees it.
  void close_stream(hs_stream_t* stream, std::vector<Hit>* hits) const;
  /// How many bytes at the end of `text` (the held text of a stream, text[0] at stream offset
  /// `base`) could still be the start of a match that ends in text not seen yet: for each
  /// detector, the run of its characters at the end, at most its longest match; for a private
  /// key, from an unfinished BEGIN line. `state` carries the runs and the key block's search
  /// from the previous call: `appended` new bytes at the end are all that is looked at again, so
  /// a long run (a base64 blob, a held JWT) costs each chunk its own length, not the run's. The
  /// runs of every detector are measured in one walk back over the new bytes (a bit per
  /// detector), which stops where no detector's run goes on.
  std::size_t hold_back(std::string_view text, uint64_t base, std::size_t appended, HoldState& state) const;
  /// The same from scratch (every run measured over the whole text).
  std::size_t hold_back(std::string_view text) const {
    HoldState state;
    return hold_back(text, 0, text.size(), state);
  }
  /// The first match in a stream's held `text` (text[0] at stream offset `base`; `found`: its
  /// matches from select()) that is at least its detector's cap long, or can no longer be seen
  /// whole by confirm(): a token (unbounded pattern) of `found` whose detector's characters run
  /// on from its start for the cap or more (to the end of the text: open; else it ends where they
  /// stop), or a private key block whose BEGIN line is the cap or more before its END line (or
  /// before the end of the text, everything since being key characters: open). Detectors that
  /// are log-only never overflow. The cheap case (held text shorter than every cap, no token in
  /// `found`) looks at nothing.
  std::optional<Overflow> overflow(std::string_view text, uint64_t base, const std::vector<Match>& found) const;
  /// Whether overflow() could find an open match in held text of `held` bytes at stream offset
  /// `base`, given hold_back's `runs` from the same call and, per detector, the end of its
  /// latest hit (`last_hit`): a token detector whose run is its cap or more and which has a hit
  /// in the held text (confirm() finds its matches only around its hits), or held text a private
  /// key block's cap long or more. False means a release that leaves all of the held text held
  /// changes nothing (pii_stream.cpp skips it). One look per detector.
  bool may_overflow_open(std::size_t held, uint64_t base, const std::vector<std::size_t>& runs,
                         const std::vector<uint64_t>& last_hit) const;
  /// Whether a match of `detector` may contain `c` (the hold-back's character set).
  bool match_char(unsigned detector, unsigned char c) const { return chars_[detector][c]; }
  /// The private_key detector's index, or UINT32_MAX when it is off.
  unsigned key_detector() const { return key_; }

  /// The longest hold_back can return.
  std::size_t max_hold_back() const { return max_hold_; }

 private:
  hs_scratch_t* scratch() const;
  void free_all();
  bool allowed(std::string_view match) const;
  /// Per (detector, start) the longest end that validates and is not allow-listed.
  std::vector<Match> valid_candidates(std::string_view text, uint64_t base, const std::vector<Match>& raw) const;

  std::vector<Detector> detectors_;
  std::vector<std::string> allow_;
  std::vector<std::vector<bool>> chars_;  // per detector: the bytes a match may contain
  /// chars_ by byte, for 64 detectors at a time: bit i of masks_[g][c] is whether a match of
  /// detector 64 g + i may contain c.
  std::vector<std::array<uint64_t, 256>> masks_;
  std::vector<std::size_t> limit_;        // per detector: the longest run hold_back keeps
  std::vector<hs_database_t*> som_;       // per detector: its pattern with start of match
  std::vector<std::size_t> window_;       // per detector: its longest match (or its cap)
  /// The matches of the phone detector from each of `starts` (its pattern anchored there).
  void anchored_matches(std::string_view text, const std::vector<std::size_t>& starts, std::vector<Match>& out) const;

  std::vector<NativeDetector> native_;  // the detectors the whole-text pass finds by hand
  unsigned phone_ = UINT32_MAX;          // the phone detector, when found by hand
  hs_database_t* anchored_ = nullptr;    // its pattern anchored at the start (^)
  unsigned ipv6_ = UINT32_MAX;           // the ipv6 detector (its whole-text ends are filtered)
  unsigned key_ = UINT32_MAX;            // the private_key detector
  std::vector<std::size_t> cap_;         // per detector: its stream hold-back cap (0: bounded)
  hs_database_t* block_ = nullptr;       // null: every detector is found by hand
  hs_database_t* stream_ = nullptr;
  hs_scratch_t* proto_ = nullptr;
  uint64_t id_;
  std::size_t max_hold_ = 0;
  std::size_t word_hold_ = 0;  // how far back a cut may move to keep a word whole
};

}  // namespace llmgw::pii

// The detectors compiled into Hyperscan databases at create: one block-mode database for whole
// texts and one streaming-mode database for streamed answers, each holding every enabled
// detector (HS_FLAG_SOM_LEFTMOST, so every match has its start). A scan reports every end of
// every pattern; select() keeps, per start, the longest end that passes the detector's validator
// and the allow-list, then the leftmost non-overlapping matches.
#pragma once

#include <hs/hs.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detectors.hpp"

namespace llmgw::pii {

struct Match {
  unsigned detector = 0;   // index into Scanner::detectors()
  uint64_t from = 0;       // [from, to): byte offsets (absolute stream offsets in streams)
  uint64_t to = 0;
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

  /// Raw matches of `text` appended to `raw` (every end, unvalidated), offsets plus `base`.
  /// Returns false when Hyperscan fails.
  bool scan_raw(std::string_view text, std::vector<Match>& raw) const;

  /// Validated, non-overlapping matches among `raw`, whose offsets are relative to `base`, the
  /// offset of text[0]; raw matches outside the text are skipped.
  std::vector<Match> select(std::string_view text, uint64_t base, const std::vector<Match>& raw) const;

  // Streams.
  hs_stream_t* open_stream() const;
  /// Scans the next bytes of a stream; raw matches appended to `raw`.
  bool scan_stream(hs_stream_t* stream, std::string_view text, std::vector<Match>& raw) const;
  /// Ends a stream (matches that need the end, such as a final \b, are appended) and frees it.
  void close_stream(hs_stream_t* stream, std::vector<Match>* raw) const;
  /// How many bytes at the end of `text` (the held text of a stream) could still be the start of
  /// a match that ends in text not seen yet: for each detector, the run of its characters at the
  /// end, at most its longest match; for a private key, from an unfinished BEGIN line.
  std::size_t hold_back(std::string_view text) const;
  /// The longest hold_back can return.
  std::size_t max_hold_back() const { return max_hold_; }

 private:
  hs_scratch_t* scratch() const;
  bool allowed(std::string_view match) const;

  std::vector<Detector> detectors_;
  std::vector<std::string> allow_;
  std::vector<std::vector<bool>> chars_;  // per detector: the bytes a match may contain
  hs_database_t* block_ = nullptr;
  hs_database_t* stream_ = nullptr;
  hs_scratch_t* proto_ = nullptr;
  uint64_t id_;
  std::size_t max_hold_ = 0;
};

}  // namespace llmgw::pii

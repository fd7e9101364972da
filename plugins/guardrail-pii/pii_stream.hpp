// One streamed answer under guardrail-pii: per channel a Hyperscan stream (each byte scanned
// once), the text not released yet, and the match ends found in it. A feed releases all
// but the tail that could still become a match (Scanner::hold_back), with the matches inside it
// redacted; close releases the rest. Within a reversible call the released text between
// redactions also gets the call's placeholders back (a RestoreStream per channel).
//
// Fail closed on a match longer than its detector's hold-back cap (Scanner::overflow): a private
// key block whose BEGIN line is 16 KB or more behind, a token 512 bytes long or more (a JWT
// 8 KB, an unbounded custom pattern 256 bytes). Held text can no longer wait for such a match's
// end, and releasing it would leak the secret: the held part of the match leaves as one
// placeholder (mask: every letter and digit '*'; block: the stream ends), and the bytes that
// still belong to it are dropped as they arrive (a Suppression) until it ends — a token at the
// first byte its detector does not hold, a key block after its END line or at a byte no key block
// holds — or the stream ends. Then the stream goes on as before. A match that ends within the held
// text but began more than the cap before is likewise one placeholder. Memory: at most the cap
// plus one event per channel.
#pragma once

#include <llmgw/plugin.hpp>

#include <hs/hs.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "placeholders.hpp"
#include "redactor.hpp"
#include "scanner.hpp"
#include "suppression.hpp"

namespace llmgw::pii {

struct Counters;  // plugin.cpp

class PiiStream {
 public:
  /// `call_redactor`: the call's numbering (null: the stream's own); `restore`: the call's
  /// placeholders to restore (null: none).
  PiiStream(const Scanner& scanner, const std::vector<uint32_t>& counters, Host host, Redactor* call_redactor = nullptr,
            const PlaceholderMap* restore = nullptr)
      : scanner_(scanner), counters_(counters), host_(host), redactor_(call_redactor ? *call_redactor : own_redactor_),
        restore_(restore) {}
  ~PiiStream();
  PiiStream(const PiiStream&) = delete;
  PiiStream& operator=(const PiiStream&) = delete;

  void feed(std::size_t channel, const llmgw_segment& piece, GuardStreamOut& out);
  void close(std::size_t channel, GuardStreamOut& out);

 private:
  struct Channel {
    hs_stream_t* hs = nullptr;
    uint64_t base = 0;        // stream offset of held[0]
    std::string held;         // text not released yet
    std::vector<Hit> hits;    // match ends not released yet (stream offsets)
    HoldState hold;           // hold_back's runs and key block search over held
    std::vector<uint64_t> last_hit;  // per detector: the end of its latest hit (0: none yet)
    std::optional<RestoreStream> restore;  // reversible: released text with placeholders restored
    std::optional<Suppression> suppress;   // the rest of an over-long match being dropped
    bool closed = false;
  };
  /// Releases held text up to stream offset `upto` (moved back to the start of a match that
  /// crosses it); `final`: the channel ends (nothing stays held). False when a block was reported.
  bool release(std::size_t channel, Channel& c, uint64_t upto, GuardStreamOut& out, bool final = false);
  /// Forgets the hits that end at stream offset `upto` or before (a span is cut there).
  static void drop_hits(Channel& c, uint64_t upto);
  /// Forgets the held text before stream offset `upto` (released) and its hits.
  static void forget(Channel& c, uint64_t upto);

  const Scanner& scanner_;
  const std::vector<uint32_t>& counters_;
  Host host_;
  Redactor own_redactor_;
  Redactor& redactor_;
  const PlaceholderMap* restore_;
  std::map<std::size_t, Channel> channels_;
  bool blocked_ = false;
};

}  // namespace llmgw::pii

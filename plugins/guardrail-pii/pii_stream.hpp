// One streamed answer under guardrail-pii: per channel a Hyperscan stream (each byte scanned
// once), the text not released yet, and the match ends found in it. A feed releases all
// but the tail that could still become a match (Scanner::hold_back), with the matches inside it
// redacted; close releases the rest. Within a reversible call the released text between
// redactions also gets the call's placeholders back (a RestoreStream per channel).
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
    std::vector<std::size_t> runs;  // per detector: its characters' run ending held (hold_back)
    std::optional<RestoreStream> restore;  // reversible: released text with placeholders restored
    bool closed = false;
  };
  /// Releases held text up to stream offset `upto` (moved back to the start of a match that
  /// crosses it); `final`: the channel ends (nothing stays held). False when a block was reported.
  bool release(std::size_t channel, Channel& c, uint64_t upto, GuardStreamOut& out, bool final = false);

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

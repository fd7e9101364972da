// StreamPhase: the state every provider stream keeps between stream_feed calls — still reading,
// done, or failed with an Error — and the status each feed/close returns for it:
// NEED_MORE, DONE, or ERROR after set_error (the error is reported again on every later call).
// fail() returns false so an SSE/NDJSON callback can `return phase.fail(e);` to stop reading.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <utility>

namespace llmgw::plugin_util {

class StreamPhase {
 public:
  bool more() const { return phase_ == Phase::kMore; }
  /// The stream's terminal event was seen.
  bool is_done() const { return phase_ == Phase::kDone; }
  void done() { phase_ = Phase::kDone; }
  /// Remembers `e` as the stream's outcome; false (stop reading).
  bool fail(Error e) {
    error_ = std::move(e);
    phase_ = Phase::kError;
    return false;
  }
  /// The status for stream_feed / stream_close; reports the error on `out` when failed.
  llmgw_status status(const llmgw_event_out& out) const {
    switch (phase_) {
      case Phase::kMore: return LLMGW_NEED_MORE;
      case Phase::kDone: return LLMGW_DONE;
      case Phase::kError: break;
    }
    return report_error(out, error_);
  }

 private:
  enum class Phase { kMore, kDone, kError };
  Phase phase_ = Phase::kMore;
  Error error_;
};

}  // namespace llmgw::plugin_util

// The guard streams of one streamed answer: one llmgw_guard_stream per guardrail, chained (what
// guardrail k releases is fed to guardrail k+1; what the last releases goes to the client).
// Channels are numbered by the caller (one per run of answer text or tool-call arguments).
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <string>
#include <vector>

#include "guard/guard_chain.hpp"
#include "guard/release_watch.hpp"

namespace llmgw::guard {

class StreamGuard {
 public:
  /// `calls`: the request's guardrail calls (each stream_open gets its guardrail's, and the time
  /// each guardrail spends in its hooks is added there); null: none.
  StreamGuard(std::vector<const GuardStep*> steps, llmgw_dialect client_dialect, std::string_view alias,
              GuardCalls* calls = nullptr);
  ~StreamGuard();
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

  /// False when a guardrail's stream_open failed (fail closed: `error()` says which).
  bool ok() const { return failed_.empty() && !blocked_; }
  bool blocked() const { return blocked_; }
  /// The error to end the client's stream with (a block or a failure).
  canonical::ApiError error() const;

  /// Feeds `piece` (its text is the new text of `channel`); what may go to the client now is
  /// appended to `released`. The piece's role and name must outlive the StreamGuard.
  void feed(std::size_t channel, const llmgw_segment& piece, std::string& released);
  /// The channel ended: everything it held is appended to `released`. `meta` describes the
  /// channel (as its pieces did; its text is ignored).
  void close(std::size_t channel, const llmgw_segment& meta, std::string& released);

 private:
  struct Link {
    StreamGuard* self;
    std::size_t step;
  };
  void feed_step(std::size_t step, std::size_t channel, std::string_view text);
  void close_step(std::size_t step, std::size_t channel);
  /// Guardrail `step` released `text` of `channel`: a release that is not the text it was fed
  /// makes its stream decision "modify".
  void note_release(std::size_t step, std::size_t channel, std::string_view text);
  /// Runs one hook of `step` (`hook` returns its status), timing it without the time of the
  /// next guardrail's hooks it calls through emit; a failure marks the step failed.
  template <class Hook>
  void timed(std::size_t step, Hook&& hook);

  std::vector<const GuardStep*> steps_;
  std::vector<llmgw_guard_stream*> streams_;
  std::vector<Link> links_;
  std::vector<llmgw_guard_stream_out> outs_;
  std::vector<ReleaseWatch> watches_;  // per guardrail: did it change its stream
  GuardCalls* calls_;
  int64_t nested_us_ = 0;   // time of the hooks called from inside the running one
  llmgw_segment piece_{};   // the piece being fed (its text replaced at each step)
  std::string* released_ = nullptr;
  std::string failed_;      // the guardrail that failed
  bool blocked_ = false;
  std::string blocked_by_, detector_, reason_;
};

}  // namespace llmgw::guard

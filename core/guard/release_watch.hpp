// Whether a guard stream changed what it was fed: over a channel's life a guardrail releases the
// text it was fed with its redactions applied (plugin.h, llmgw_guard_stream_out.emit), so text
// that passed unchanged is released as the same bytes in the same order. The watch keeps, per
// channel, the fed text not yet released (the guardrail's hold-back: bounded by its window) and
// checks every release against its front; a release that differs, or text still held when the
// channel closes, is a change (the request event's stream decision "modify"). Once a change is
// seen nothing more is kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::guard {

class ReleaseWatch {
 public:
  /// `text` was fed to channel `channel`.
  void fed(std::size_t channel, std::string_view text);
  /// The guardrail released `text` of `channel`. True when that is the first change seen.
  bool released(std::size_t channel, std::string_view text);
  /// `channel` closed (everything it held was released). True when that is the first change seen.
  bool closed(std::size_t channel);
  bool changed() const { return changed_; }

 private:
  struct Pending {
    std::size_t channel;
    std::string text;    // fed, not yet released, from `offset`
    std::size_t offset = 0;
  };
  Pending& pending(std::size_t channel);
  bool change();

  std::vector<Pending> pending_;
  bool changed_ = false;
};

}  // namespace llmgw::guard

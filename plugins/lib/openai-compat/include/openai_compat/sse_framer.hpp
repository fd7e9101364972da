// An incremental Server-Sent Events framer: bytes cut at any boundary in, the `data` of each
// complete event out. Lines end with "\n" or "\r\n" (a lone "\r" is not a line end); a blank
// line ends an event; "data:" lines are joined with "\n"; comments (":") and other fields
// (event, id, retry) are skipped.
//
// Buffering: an event whose bytes all sit in one feed() is handed out as a view into those
// bytes, with no copy. Only the current incomplete event is kept across feeds (its incomplete
// line and its data so far). An event whose data is longer than max_event_bytes, or that has a
// line longer than that (plus a few bytes for the field name), is dropped — never handed out,
// however its bytes were cut — and framing resumes at the next blank line, so a hostile
// upstream cannot grow the buffer without bound.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llmgw::openai_compat {

class SseFramer {
 public:
  /// Called with the data of each complete event. The view is valid during the call only.
  /// Return false to stop framing (the rest of the current input is not looked at).
  using DataFn = bool (*)(void* ctx, std::string_view data);

  static constexpr std::size_t kDefaultMaxEventBytes = std::size_t{4} << 20;

  explicit SseFramer(std::size_t max_event_bytes = kDefaultMaxEventBytes) noexcept
      : max_(max_event_bytes) {}

  /// Frames the next bytes. Returns false when `fn` asked to stop.
  bool feed(std::string_view bytes, DataFn fn, void* ctx);

  /// End of input: a last line without its line end and an event without its blank line are
  /// framed as if they had been terminated (the SSE spec discards them; callers use this only
  /// to be lenient about a final "data: [DONE]"). Resets the framer. Returns false when `fn`
  /// asked to stop.
  bool finish(DataFn fn, void* ctx);

  /// Convenience overloads for any callable `bool(std::string_view)`.
  template <typename F>
  bool feed(std::string_view bytes, F& fn) {
    return feed(bytes, &call<F>, &fn);
  }
  template <typename F>
  bool finish(F& fn) {
    return finish(&call<F>, &fn);
  }

  /// Bytes held across feeds (the incomplete line plus the incomplete event's data).
  std::size_t buffered_bytes() const noexcept { return line_.size() + (owned_ ? data_.size() : 0); }

 private:
  template <typename F>
  static bool call(void* ctx, std::string_view data) {
    return (*static_cast<F*>(ctx))(data);
  }

  bool on_line(std::string_view line, bool in_input, DataFn fn, void* ctx);
  void reset_event() noexcept;

  std::size_t max_;
  std::string line_;       // an incomplete line carried over from earlier feeds
  bool skip_line_ = false; // the incomplete line outgrew the cap: drop bytes to its end
  std::string data_;       // the current event's data when it cannot stay a view
  std::string_view view_;  // the current event's data as a view into the current input
  std::size_t lines_ = 0;  // data lines in the current event
  bool owned_ = false;     // the data lives in data_
  bool dropped_ = false;   // the current event outgrew the cap: it is never handed out
};

}  // namespace llmgw::openai_compat

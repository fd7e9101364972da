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
// Part of the SDK's optional header-only C++ helpers (nothing here crosses the C ABI).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace llmgw {

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

namespace sse_detail {
// An incomplete line may exceed the data cap by its field name ("data: ") and line end, so
// that the outcome for an event never depends on where its bytes were cut.
constexpr std::size_t kLineSlack = 16;
}  // namespace sse_detail

inline void SseFramer::reset_event() noexcept {
  data_.clear();
  view_ = {};
  lines_ = 0;
  owned_ = false;
  dropped_ = false;
}

inline bool SseFramer::on_line(std::string_view line, bool in_input, DataFn fn, void* ctx) {
  // The same limit as for a line buffered across feeds (see feed), so that the outcome never
  // depends on where the bytes were cut.
  if (line.size() > max_ + sse_detail::kLineSlack) {
    dropped_ = true;
    return true;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {  // blank line: the event is complete
    bool go_on = true;
    if (lines_ > 0 && !dropped_) go_on = fn(ctx, owned_ ? std::string_view(data_) : view_);
    reset_event();
    return go_on;
  }
  if (dropped_ || line.front() == ':') return true;
  // Almost every line is "data:...": known without a search for its colon (a memchr call).
  const std::size_t colon = line.size() >= 5 && std::memcmp(line.data(), "data:", 5) == 0 ? 4 : line.find(':');
  if (line.substr(0, colon) != "data") return true;
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (lines_ == 0 && in_input) {
    view_ = value;  // the common case: one data line, inside the current input
    if (value.size() > max_) view_ = {}, dropped_ = true;
  } else {
    if (!owned_) data_.assign(view_), owned_ = true;
    if (lines_ > 0) data_.push_back('\n');
    data_.append(value);
    if (data_.size() > max_) data_.clear(), dropped_ = true;
  }
  ++lines_;
  return true;
}

inline bool SseFramer::feed(std::string_view bytes, DataFn fn, void* ctx) {
  const char* const begin = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t pos = 0;
  while (pos < size) {
    const void* hit = std::memchr(begin + pos, '\n', size - pos);
    if (!hit) {
      // An incomplete line: keep it (within the cap) for the next feed.
      if (!skip_line_) {
        if (line_.size() + (size - pos) > max_ + sse_detail::kLineSlack) {
          line_.clear(), skip_line_ = true, dropped_ = true;
        } else {
          line_.append(begin + pos, size - pos);
        }
      }
      break;
    }
    const std::size_t nl = static_cast<std::size_t>(static_cast<const char*>(hit) - begin);
    const std::string_view piece(begin + pos, nl - pos);
    pos = nl + 1;
    bool go_on;
    if (skip_line_) {
      skip_line_ = false;  // the oversized line ends here; its event is already dropped
      continue;
    } else if (line_.empty()) {
      go_on = on_line(piece, true, fn, ctx);
    } else {
      line_.append(piece);
      go_on = on_line(line_, false, fn, ctx);
      line_.clear();
    }
    if (!go_on) return false;
  }
  // The event continues in the next feed: its data must outlive this input.
  if (lines_ > 0 && !owned_ && !dropped_) {
    data_.assign(view_);
    owned_ = true;
    view_ = {};
  }
  return true;
}

inline bool SseFramer::finish(DataFn fn, void* ctx) {
  bool go_on = true;
  if (!line_.empty() && !skip_line_) go_on = on_line(line_, false, fn, ctx);
  if (go_on && lines_ > 0 && !dropped_) go_on = fn(ctx, owned_ ? std::string_view(data_) : view_);
  line_.clear();
  skip_line_ = false;
  reset_event();
  return go_on;
}

}  // namespace llmgw

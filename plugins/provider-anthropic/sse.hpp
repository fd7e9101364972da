// An incremental Server-Sent Events framer for Anthropic streams: bytes cut at any boundary
// in, each complete event's name ("event:") and data ("data:" lines joined with "\n") out.
// Lines end with "\n" or "\r\n"; a blank line ends an event; comments (":") and other fields
// are skipped. Only the incomplete line and the current event are kept across feeds (their
// strings keep their capacity, so a steady stream allocates nothing). An event larger than
// the cap is handed out once with `oversized` set and no data, so that the outcome never
// depends on where the bytes were cut and a hostile upstream cannot grow the buffer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llmgw::provider_anthropic {

struct SseEvent {
  std::string_view name;  // the "event:" field; empty when absent
  std::string_view data;  // empty when oversized
  bool oversized = false;
};

class SseFramer {
 public:
  static constexpr std::size_t kDefaultMaxEventBytes = std::size_t{16} << 20;

  explicit SseFramer(std::size_t max_event_bytes = kDefaultMaxEventBytes) noexcept : max_(max_event_bytes) {}

  /// Frames the next bytes, calling `fn(const SseEvent&) -> bool` for each complete event.
  /// Returns false as soon as `fn` does (the rest of the input is not looked at).
  template <typename F>
  bool feed(std::string_view bytes, F&& fn) {
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      const std::size_t nl = bytes.find('\n', pos);
      if (nl == std::string_view::npos) {
        carry(bytes.substr(pos));
        break;
      }
      std::string_view line = bytes.substr(pos, nl - pos);
      pos = nl + 1;
      if (skip_line_) {  // the end of a line that outgrew the cap
        skip_line_ = false;
        continue;
      }
      if (!line_.empty()) {
        line_.append(line);
        line = line_;
      }
      const bool go_on = on_line(line, fn);
      line_.clear();
      if (!go_on) return false;
    }
    return true;
  }

  /// End of input: a last line without its line end, and an event without its blank line,
  /// are framed as if terminated (lenient about a final "message_stop" missing its "\n\n").
  /// Resets the framer. Returns false when `fn` did.
  template <typename F>
  bool finish(F&& fn) {
    bool go_on = true;
    if (!line_.empty() && !skip_line_) go_on = on_line(line_, fn);
    if (go_on && (lines_ > 0 || oversized_)) go_on = dispatch(fn);
    line_.clear();
    skip_line_ = false;
    reset_event();
    return go_on;
  }

 private:
  void carry(std::string_view rest);
  void reset_event() noexcept;
  /// Applies one complete line (without its "\n") to the current event; true when the line
  /// was blank and an event is ready (`ready_` set).
  bool apply(std::string_view line);

  template <typename F>
  bool on_line(std::string_view line, F& fn) {
    return apply(line) ? dispatch(fn) : true;
  }

  template <typename F>
  bool dispatch(F& fn) {
    const SseEvent ev{name_, oversized_ ? std::string_view() : std::string_view(data_), oversized_};
    const bool go_on = fn(ev);
    reset_event();
    return go_on;
  }

  std::size_t max_;
  std::string line_;        // an incomplete line carried over from earlier feeds
  bool skip_line_ = false;  // the incomplete line outgrew the cap: drop bytes to its end
  std::string name_;
  std::string data_;
  std::size_t lines_ = 0;   // data lines in the current event
  bool oversized_ = false;  // the current event outgrew the cap
};

}  // namespace llmgw::provider_anthropic

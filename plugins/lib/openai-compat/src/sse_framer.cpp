#include <openai_compat/sse_framer.hpp>

#include <cstring>

namespace llmgw::openai_compat {

namespace {
// An incomplete line may exceed the data cap by its field name ("data: ") and line end, so
// that the outcome for an event never depends on where its bytes were cut.
constexpr std::size_t kLineSlack = 16;
}  // namespace

void SseFramer::reset_event() noexcept {
  data_.clear();
  view_ = {};
  lines_ = 0;
  owned_ = false;
  dropped_ = false;
}

bool SseFramer::on_line(std::string_view line, bool in_input, DataFn fn, void* ctx) {
  // The same limit as for a line buffered across feeds (see feed), so that the outcome never
  // depends on where the bytes were cut.
  if (line.size() > max_ + kLineSlack) {
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
  const std::size_t colon = line.find(':');
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

bool SseFramer::feed(std::string_view bytes, DataFn fn, void* ctx) {
  const char* const begin = bytes.data();
  const std::size_t size = bytes.size();
  std::size_t pos = 0;
  while (pos < size) {
    const void* hit = std::memchr(begin + pos, '\n', size - pos);
    if (!hit) {
      // An incomplete line: keep it (within the cap) for the next feed.
      if (!skip_line_) {
        if (line_.size() + (size - pos) > max_ + kLineSlack) {
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

bool SseFramer::finish(DataFn fn, void* ctx) {
  bool go_on = true;
  if (!line_.empty() && !skip_line_) go_on = on_line(line_, false, fn, ctx);
  if (go_on && lines_ > 0 && !dropped_) go_on = fn(ctx, owned_ ? std::string_view(data_) : view_);
  line_.clear();
  skip_line_ = false;
  reset_event();
  return go_on;
}

}  // namespace llmgw::openai_compat

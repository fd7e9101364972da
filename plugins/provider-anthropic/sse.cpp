#include "sse.hpp"

namespace llmgw::provider_anthropic {

namespace {
// A line may exceed the data cap by its field name and line end, so that the outcome for an
// event never depends on where its bytes were cut.
constexpr std::size_t kLineSlack = 16;
}  // namespace

void SseFramer::reset_event() noexcept {
  name_.clear();
  data_.clear();
  lines_ = 0;
  oversized_ = false;
}

void SseFramer::carry(std::string_view rest) {
  if (skip_line_) return;
  if (line_.size() + rest.size() > max_ + kLineSlack) {
    line_.clear();
    skip_line_ = true;
    oversized_ = true;
    data_.clear();
    return;
  }
  line_.append(rest);
}

bool SseFramer::apply(std::string_view line) {
  if (line.size() > max_ + kLineSlack) {
    oversized_ = true;
    data_.clear();
    return false;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) {  // blank line: the event is complete (an event without data is dropped)
    if (lines_ > 0 || oversized_) return true;
    reset_event();
    return false;
  }
  if (line.front() == ':') return false;
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (!oversized_) {
      if (lines_ > 0) data_.push_back('\n');
      data_.append(value);
      if (data_.size() > max_) {
        oversized_ = true;
        data_.clear();
      }
    }
    ++lines_;
  } else if (field == "event") {
    name_.assign(value.substr(0, 64));
  }
  return false;
}

}  // namespace llmgw::provider_anthropic

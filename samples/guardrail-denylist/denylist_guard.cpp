#include "denylist_guard.hpp"

namespace denylist {
namespace {

constexpr std::string_view kInputReason = "the request contains a term this gateway does not allow";
constexpr std::string_view kOutputReason = "the answer contains a term this gateway does not allow";

}  // namespace

DenylistGuard::DenylistGuard(llmgw::Host /*host*/, std::string_view config_json)
    : config_(parse_config(config_json)), matcher_(config_.terms, config_.case_sensitive) {}

void DenylistGuard::check(const llmgw_guard_request& request, llmgw::GuardOut& out) const {
  const llmgw::Segments segments(request);
  const bool input = request.phase == LLMGW_PHASE_INPUT;
  if (input && config_.max_input_bytes > 0) {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < segments.size(); ++i) total += llmgw::view(segments[i].text).size();
    if (total > config_.max_input_bytes) {
      out.block(0, kMaxInputDetector,
                "the request's text is longer than " + std::to_string(config_.max_input_bytes) + " bytes");
      return;
    }
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view text = llmgw::view(segments[i].text);
    for (const Match& m : matcher_.find_all(text)) {
      if (m.block) {
        out.block(i, kDenylistDetector, input ? kInputReason : kOutputReason);
        return;
      }
      out.replace(i, m.offset, m.len, config_.replacement);
    }
  }
}

std::unique_ptr<DenylistGuard::Stream> DenylistGuard::open_stream(const llmgw_guard_request& /*request*/) const {
  return std::make_unique<Stream>(*this);
}

void DenylistGuard::Stream::feed(std::size_t channel, const llmgw_segment& piece, llmgw::GuardStreamOut& out) {
  if (blocked_) return;
  held_[channel] += llmgw::view(piece.text);
  drain(channel, false, out);
}

void DenylistGuard::Stream::close(std::size_t channel, llmgw::GuardStreamOut& out) {
  if (blocked_) return;
  drain(channel, true, out);
  held_.erase(channel);
}

void DenylistGuard::Stream::drain(std::size_t channel, bool final, llmgw::GuardStreamOut& out) {
  std::string& text = held_[channel];
  const TermMatcher& matcher = guard_.matcher_;
  std::string release;
  std::size_t pos = 0;
  std::size_t copied = 0;  // text[0, copied) is in `release` already
  while (pos < text.size()) {
    if (!final && matcher.could_grow(text, pos)) break;  // wait: more text decides
    const auto m = matcher.match_at(text, pos);
    if (!m) {
      ++pos;
      continue;
    }
    if (m->block) {  // the text before the term may go; the term and what follows never do
      release.append(text, copied, pos - copied);
      out.emit(channel, release);
      out.block(channel, kDenylistDetector, kOutputReason);
      blocked_ = true;
      held_.clear();
      return;
    }
    release.append(text, copied, pos - copied).append(guard_.config_.replacement);
    pos += m->len;
    copied = pos;
  }
  release.append(text, copied, pos - copied);
  text.erase(0, pos);
  out.emit(channel, release);
}

}  // namespace denylist

#include "guard/stream_guard.hpp"

#include <algorithm>

namespace llmgw::guard {

StreamGuard::StreamGuard(std::vector<const GuardStep*> steps, llmgw_dialect client_dialect, std::string_view alias,
                         GuardCalls* calls)
    : steps_(std::move(steps)), calls_(calls) {
  streams_.assign(steps_.size(), nullptr);
  watches_.resize(steps_.size());
  links_.reserve(steps_.size());
  outs_.reserve(steps_.size());
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    links_.push_back(Link{this, i});
    llmgw_guard_stream_out o{};
    o.struct_size = sizeof o;
    o.ctx = &links_.back();
    o.emit = [](void* c, size_t channel, llmgw_str text) {
      const Link& l = *static_cast<Link*>(c);
      const std::string_view released(text.ptr ? text.ptr : "", text.len);
      l.self->note_release(l.step, channel, released);
      l.self->feed_step(l.step + 1, channel, released);
    };
    o.block = [](void* c, size_t, llmgw_str detector, llmgw_str reason) {
      const Link& l = *static_cast<Link*>(c);
      StreamGuard& g = *l.self;
      if (g.blocked_) return;
      g.blocked_ = true;
      g.blocked_by_ = g.steps_[l.step]->name;
      if (g.calls_) g.calls_->add_stream_time(*g.steps_[l.step], steady_now_us(), 0, GuardDecision::deny);
      g.detector_.assign(detector.ptr ? detector.ptr : "", detector.len);
      g.reason_.assign(reason.ptr ? reason.ptr : "", std::min<std::size_t>(reason.len, 200));
    };
    outs_.push_back(o);
  }
  llmgw_guard_request request{};
  request.struct_size = sizeof request;
  request.phase = LLMGW_PHASE_STREAM_CHUNK;
  request.client_dialect = client_dialect;
  request.model = {alias.data(), alias.size()};
  request.segment_size = sizeof(llmgw_segment);
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const auto& vt = steps_[i]->instance->vtable();
    request.call = calls ? calls->call_of(*steps_[i]) : nullptr;
    timed(i, [&]() -> llmgw_status {
      const llmgw_status rc = vt.stream_open(steps_[i]->instance->instance(), &request, &streams_[i]);
      if (!streams_[i]) return LLMGW_ERROR;
      return rc;
    });
    if (!failed_.empty()) {
      streams_[i] = nullptr;
      break;
    }
  }
}

StreamGuard::~StreamGuard() {
  for (std::size_t i = 0; i < steps_.size(); ++i)
    if (streams_[i]) steps_[i]->instance->vtable().stream_destroy(streams_[i]);
}

canonical::ApiError StreamGuard::error() const {
  if (blocked_) return blocked_error(blocked_by_, detector_, reason_);
  return failed_error(failed_.empty() ? std::string_view("unknown") : std::string_view(failed_));
}

template <class Hook>
void StreamGuard::timed(std::size_t step, Hook&& hook) {
  const int64_t started = steady_now_us();
  const int64_t outer_nested = nested_us_;
  nested_us_ = 0;
  const llmgw_status rc = hook();
  const int64_t total = steady_now_us() - started;
  const bool failed = rc != LLMGW_OK;
  if (failed && failed_.empty()) failed_ = steps_[step]->name;
  if (calls_)
    calls_->add_stream_time(*steps_[step], started, total - nested_us_,
                            failed ? GuardDecision::failed : GuardDecision::allow);
  nested_us_ = outer_nested + total;
}

void StreamGuard::note_release(std::size_t step, std::size_t channel, std::string_view text) {
  if (watches_[step].released(channel, text) && calls_)
    calls_->add_stream_time(*steps_[step], steady_now_us(), 0, GuardDecision::modify);
}

void StreamGuard::feed_step(std::size_t step, std::size_t channel, std::string_view text) {
  if (!ok()) return;
  if (step == steps_.size()) {
    released_->append(text);
    return;
  }
  watches_[step].fed(channel, text);
  llmgw_segment piece = piece_;
  piece.text = {text.data(), text.size()};
  timed(step, [&] { return steps_[step]->instance->vtable().stream_feed(streams_[step], channel, &piece, &outs_[step]); });
}

void StreamGuard::close_step(std::size_t step, std::size_t channel) {
  if (!ok()) return;
  timed(step, [&] { return steps_[step]->instance->vtable().stream_close(streams_[step], channel, &outs_[step]); });
  if (ok() && watches_[step].closed(channel) && calls_)  // it kept back text it was fed
    calls_->add_stream_time(*steps_[step], steady_now_us(), 0, GuardDecision::modify);
}

void StreamGuard::feed(std::size_t channel, const llmgw_segment& piece, std::string& released) {
  piece_ = piece;
  released_ = &released;
  feed_step(0, channel, std::string_view(piece.text.ptr ? piece.text.ptr : "", piece.text.len));
  released_ = nullptr;
}

void StreamGuard::close(std::size_t channel, const llmgw_segment& meta, std::string& released) {
  piece_ = meta;
  released_ = &released;
  // Closing guardrail k releases its tail into k+1, which must then release it in turn.
  for (std::size_t step = 0; step < steps_.size(); ++step) close_step(step, channel);
  released_ = nullptr;
}

}  // namespace llmgw::guard

#include "pipeline/stream_pump.hpp"

#include <string>

#include "canonical/clock.hpp"
#include "pipeline/provider_io.hpp"
#include "upstream/upstream_error.hpp"

namespace llmgw::pipeline {

boost::asio::awaitable<bool> pump_stream(const Deployment& d, const llmgw_call& call,
                                         const llmgw_upstream_response& response, StreamSource& source, Reply& reply,
                                         std::size_t max_event_bytes, int64_t attempt_start_ms, CallOutcome& outcome) {
  using upstream::TransportError;
  using upstream::TransportFailure;
  const auto& vt = d.provider->vtable();
  llmgw_stream* s = nullptr;
  if (vt.stream_open(d.provider->instance(), &call, &response, &s) != LLMGW_OK || !s) {
    reply.error(canonical::ApiError{502, "api_error", "stream_open_failed", "", "the provider could not open the stream"});
    outcome.status = 502;
    co_return false;
  }
  struct StreamGuard {
    const llmgw_provider_vtable& vt;
    llmgw_stream* s;
    ~StreamGuard() { vt.stream_destroy(s); }
  } guard{vt, s};
  EventForwarder fwd(reply);
  auto ev = fwd.table();
  llmgw_status st = LLMGW_NEED_MORE;
  bool upstream_ended = false;  // the error, if any, came from stream_close (truncation)
  // A runaway event: this many bytes fed to the provider with nothing coming out of it.
  std::size_t fed_since_event = 0, events_seen = 0;
  while (st == LLMGW_NEED_MORE) {
    const bool committed = reply.committed();
    // Bytes that already arrived are taken without awaiting (no coroutine frame); only an
    // empty buffer waits on the source.
    std::string_view got = source.take_buffered();
    if (got.empty()) {
      const std::string_view read = co_await source.read(committed);
      got = read;
    }
    const std::size_t n = got.size();
    upstream_ended = n == 0;
    if (fwd.events != events_seen) {
      events_seen = fwd.events;
      fed_since_event = 0;
    }
    if ((fed_since_event += n) > max_event_bytes || reply.held_partial_bytes() > max_event_bytes)
      throw TransportError(TransportFailure::TooLarge, "upstream stream event is larger than the limit of " +
                                                           std::to_string(max_event_bytes) + " bytes");
    st = n ? vt.stream_feed(s, {got.data(), n}, &ev) : vt.stream_close(s, &ev);
    // Flush when no more upstream bytes wait, and wait for the client to take them; at the end
    // of the stream, stream_end flushes the last events together with the end marker (one
    // write, not two).
    if (st == LLMGW_NEED_MORE && !source.has_buffered()) {
      reply.flush();
      // A client that takes the bytes at once costs no coroutine frame; only a slow one is awaited.
      if (!reply.drain_now()) {
        co_await reply.drain();
      }
    }
    if (!committed && reply.committed()) outcome.ttft_us = (canonical::steady_ms() - attempt_start_ms) * 1000;
    if (!reply.client_alive()) {
      source.abort();
      outcome.status = 499;
      co_return false;
    }
    if (n == 0 && st == LLMGW_NEED_MORE) st = LLMGW_DONE;
  }
  if (fwd.usage) outcome.usage = *fwd.usage;
  if (st == LLMGW_ERROR || fwd.error) {
    source.abort();
    const canonical::ApiError err =
        fwd.error ? *fwd.error
                  : canonical::ApiError{502, "api_error", "bad_upstream_response", "", "the upstream stream failed"};
    // On passthrough an error event of the upstream's own already reached the client as raw
    // bytes; a truncated stream (the error stream_close reports) did not, so it gets one.
    const bool already_sent = outcome.passthrough && fwd.error && fwd.raw_bytes_sent && !upstream_ended;
    if (reply.committed()) {
      if (already_sent) reply.flush();
      else reply.stream_error(err);
      outcome.status = 200;
      outcome.broke_after_commit = true;
    } else {
      reply.error(err);
      outcome.status = err.status;
    }
    co_return false;
  }
  reply.stream_usage(d.cfg.id, fwd.usage ? *fwd.usage : copy_usage(nullptr));
  reply.stream_end(fwd.translated);
  // The last events leave now, not after the upstream is drained.
  if (!reply.drain_now()) {
    co_await reply.drain();
  }
  outcome.status = 200;
  co_return true;
}

}  // namespace llmgw::pipeline

// The stream pump: feeds a provider's stream decoder from a source of upstream bytes and forwards
// what it emits to the client as it comes — one loop for every stream, whether its bytes come
// from an HTTP(S) upstream or from the offline `echo:` loopback. It flushes whenever no more
// upstream bytes are waiting and waits for the client to take them (a slow reader slows its own
// upstream read), cuts a runaway event at server.max_stream_event_bytes, ends the call when the
// client leaves, and answers a broken stream as an error (before the first byte) or an error
// event (after it).
#pragma once

#include <llmgw/plugin.h>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/gateway.hpp"
#include "pipeline/reply.hpp"

namespace llmgw::pipeline {

/// Where a stream's upstream bytes come from.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  /// The next bytes, as they lie in the source's own buffer (no copy, and no buffer in the
  /// pump's frame for every open stream): valid until the next read; empty at the end of the
  /// stream. `committed`: the client already got its first byte (the wait is then the idle
  /// timeout, not the time to first byte). Throws upstream::TransportError.
  virtual boost::asio::awaitable<std::string_view> read(bool committed) = 0;
  /// What read would return at once, without awaiting it: bytes already buffered (consumed as
  /// read consumes them), or empty when read must be awaited. The pump tries this first, so
  /// an event already received costs no coroutine frame.
  virtual std::string_view take_buffered() = 0;
  /// True when more bytes already arrived (the pump flushes only when none wait).
  virtual bool has_buffered() const = 0;
  /// The stream is abandoned (the client left, or the stream failed): drop the source.
  virtual void abort() = 0;
};

/// Runs `d`'s stream decoder over `source` for `call`, whose upstream answered `response` (status
/// and headers). Sets outcome.status (200 once streamed; 499 when the client left; the error's
/// status when nothing was sent yet), usage, ttft_us (from `attempt_start_ms`) and
/// broke_after_commit. Returns true when the stream ended cleanly (the end marker went out).
/// Throws upstream::TransportError from the source, and TooLarge for a runaway event.
boost::asio::awaitable<bool> pump_stream(const Deployment& d, const llmgw_call& call,
                                         const llmgw_upstream_response& response, StreamSource& source, Reply& reply,
                                         std::size_t max_event_bytes, int64_t attempt_start_ms, CallOutcome& outcome);

}  // namespace llmgw::pipeline

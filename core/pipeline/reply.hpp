// How the pipeline answers a client, whatever the client's dialect. A front-end implements it
// over the Poco response; the pipeline never writes HTTP itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <llmgw/plugin.h>

#include <boost/asio/awaitable.hpp>

#include "canonical/api_error.hpp"

namespace llmgw::pipeline {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// Bodies and raw stream bytes handed to a Reply are in the call's upstream dialect (the
/// llmgw_call.body_dialect: the client's own on passthrough, canonical otherwise); chunks are
/// always canonical. A Reply translates to its client's dialect where they differ.
class Reply {
 public:
  virtual ~Reply() = default;
  /// The dialect of what json() and stream_raw() will receive. Called before either.
  virtual void set_upstream_dialect(llmgw_dialect dialect) = 0;
  /// A whole error response (nothing was sent yet).
  virtual void error(const canonical::ApiError& error) = 0;
  /// A whole successful response, in the upstream dialect set_upstream_dialect() named (the
  /// client's own on passthrough, canonical otherwise); the Reply translates it where they differ.
  virtual void json(int status, std::string_view body) = 0;
  /// Just before json(): the deployment that answered and the usage it reported, so a Reply
  /// can add what the answer cost (x-llmgw-cost). Default: nothing.
  virtual void answer_usage(std::string_view deployment_id, const llmgw_usage& usage) {
    (void)deployment_id;
    (void)usage;
  }
  /// Streams, just before stream_end (not when the stream fails): the deployment that answered
  /// and the usage it reported (every count -1 when it reported none), so a Reply can add what
  /// the stream cost. Default: nothing.
  virtual void stream_usage(std::string_view deployment_id, const llmgw_usage& usage) {
    (void)deployment_id;
    (void)usage;
  }
  /// Streams, before the first event: field `name` will end the stream (declare_trailer), sent
  /// by stream_trailer. Default: nothing.
  virtual void declare_trailer(std::string_view name) { (void)name; }
  /// Streams, just before the dialect's terminal event (OpenAI's `data: [DONE]`, Anthropic's
  /// message_stop) goes out: the declared field's value, written as the SSE comment line
  /// `: name: value` before that event (every SSE client skips comments) and sent as an HTTP/1.1
  /// chunked trailer after the last chunk. Default: nothing.
  virtual void stream_trailer(std::string_view name, std::string_view value) {
    (void)name;
    (void)value;
  }
  /// Streams: raw bytes in the upstream dialect. Commits on first call. Buffered until flush().
  virtual void stream_raw(std::string_view bytes) = 0;
  /// Streams: one canonical chat.completion.chunk JSON. Commits on first call. Buffered until flush().
  virtual void stream_chunk(std::string_view chunk_json) = 0;
  /// Streams: sends what is buffered now. The pipeline calls it whenever no more upstream bytes
  /// have already arrived, so every event leaves as soon as it is complete, and events that
  /// arrived together leave together. stream_error and stream_end flush by themselves.
  virtual void flush() = 0;
  /// Sends what flush() made ready and waits until the client took it: a client that reads
  /// slowly slows the upstream read that feeds it (nothing piles up in memory). False when the
  /// client is gone.
  virtual boost::asio::awaitable<bool> drain() = 0;
  /// drain without the wait (no coroutine frame): drain's answer when the client took every
  /// byte at once (or is gone); nullopt when the rest must be awaited with drain(). The stream
  /// pump drains after every burst of events, so this is the common case. By default always
  /// nullopt (drain() does it all).
  virtual std::optional<bool> drain_now() { return std::nullopt; }
  /// Streams: an error after the stream was committed; the front-end writes its error event.
  virtual void stream_error(const canonical::ApiError& error) = 0;
  /// Streams: the end. `translated` streams get the dialect's end marker from the front-end.
  virtual void stream_end(bool translated) = 0;
  /// Raw stream bytes held back because their event is not complete yet (a runaway event is
  /// cut at server.max_stream_event_bytes).
  virtual std::size_t held_partial_bytes() const { return 0; }
  /// True once the status line went to the client.
  virtual bool committed() const = 0;
  /// False once a write to the client failed (it went away).
  virtual bool client_alive() const = 0;
  /// Adds a header to the response of this call (names not already present: no lookup is made).
  /// Call before commit.
  virtual void add_header(std::string_view name, std::string_view value) = 0;
};

}  // namespace llmgw::pipeline

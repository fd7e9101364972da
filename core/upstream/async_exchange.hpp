// One HTTP/1.1 request/response with an upstream over a pooled keep-alive connection, for an
// event loop: the asynchronous twin of Exchange (exchange.hpp), with the same deadlines, size
// caps, stale-connection check and never-twice rule. Every wait is a timer; nothing blocks.
#pragma once

#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upstream/async_connection.hpp"
#include "upstream/async_pool.hpp"
#include "upstream/response_framing.hpp"
#include "upstream/upstream_error.hpp"
#include "upstream/url.hpp"
#include "util/http_body.hpp"

namespace llmgw::upstream {

struct AsyncRequest {
  std::string_view method = "POST";
  const Url* url = nullptr;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::size_t header_count = 0;  // how many of *headers to send
  std::string_view body;         // must stay valid until start() completes
  int connect_timeout_ms = 5000;
  /// canonical::steady_ms() time by which the request is sent and the status line and headers have
  /// arrived, interim (1xx) answers included.
  int64_t head_deadline_ms = 0;
};

/// Lives on its pool's loop; every member is called on that loop's thread, and at most one
/// of start / read_all / read_some is pending at a time (cancel_for_client_gone excepted).
class AsyncExchange {
 public:
  /// `headers`: where the response's header fields are kept (a caller's storage, reused from
  /// call to call so its strings keep their capacity); null: the exchange's own.
  explicit AsyncExchange(AsyncPool& pool, HeaderLines* headers = nullptr)
      : pool_(pool), headers_(headers ? *headers : own_headers_) {}
  ~AsyncExchange();  // a response not read to the end: the connection is closed, not pooled
  AsyncExchange(const AsyncExchange&) = delete;
  AsyncExchange& operator=(const AsyncExchange&) = delete;

  /// Sends the request and reads the status line and headers, all by request.head_deadline_ms
  /// (the connect also within connect_timeout_ms). A pooled connection is checked before use;
  /// the request is sent again on a new connection only when not one byte of it was written
  /// to a reused connection, so a POST never reaches the upstream twice. Throws TransportError.
  asio::awaitable<void> start(const AsyncRequest& request);

  int status() const { return status_; }
  /// The response's header fields (this exchange's or its caller's, never a thread's:
  /// coroutines interleave on a thread).
  const HeaderLines& headers() const { return headers_; }

  /// Reads the whole body into `out`, all of it by `deadline_ms` (steady ms) and no more than
  /// `max_bytes` of it (else TransportError(TooLarge)). Throws TransportError.
  asio::awaitable<void> read_all(std::string& out, int64_t deadline_ms, std::size_t max_bytes);

  /// What is available, waiting up to `idle_ms` for bytes and never past `deadline_ms`
  /// (ReadTimeout once it has passed, however steadily bytes arrive); 0 at the end of the body.
  /// Throws TransportError.
  asio::awaitable<std::size_t> read_some(char* buf, std::size_t cap, int idle_ms, int64_t deadline_ms);

  /// As read_some, without a copy: the next body bytes already received (one contiguous piece
  /// of the connection's buffer, at most one chunk's worth), consumed by this call. The view
  /// stays valid until the next read on this exchange. Empty at the end of the body.
  asio::awaitable<std::string_view> read_view(int idle_ms, int64_t deadline_ms);

  /// True when body bytes have already arrived and wait to be read (read_some will not wait on
  /// the network for them). Callers flush their client output when this is false. Not while
  /// a read is pending.
  bool has_buffered();

  /// read_view without the wait, for a caller that reads in a loop: the body bytes already
  /// received, consumed, exactly as read_view would return them; empty when read_view must be
  /// awaited instead (nothing buffered, the end of the body, the client gone, a framing error:
  /// read_view waits for, reports or throws them). A plain call, not a coroutine: an upstream
  /// that sent several events at once costs no coroutine frame per event. Not while a read
  /// is pending.
  std::string_view take_buffered();

  /// Marks the response as read to the end: the connection goes back to the pool.
  void finish();
  /// Closes the connection.
  void abort();
  /// Called from another coroutine on the same loop (the client went away): a pending or later
  /// start / read throws TransportError(TransportFailure::ClientGone).
  void cancel_for_client_gone();

 private:
  asio::awaitable<void> read_head(bool head_request, int64_t deadline_ms);
  /// Reads more body bytes into the connection buffer by `deadline_ms`; false when the
  /// connection ended. Throws TransportError.
  asio::awaitable<bool> fill_body(int64_t deadline_ms, const char* timeout_what);
  [[noreturn]] void fail(const error_code& ec, bool connecting, const char* timeout_what) const;

  AsyncPool& pool_;
  const Url* url_ = nullptr;
  std::unique_ptr<AsyncConnection> conn_;
  bool reading_ = false;     // a response is being read from conn_
  bool keep_alive_ = false;  // the upstream lets the connection be reused
  bool client_gone_ = false;
  int status_ = 0;
  util::BodyDecoder body_;
  HeaderLines own_headers_;
  HeaderLines& headers_;
  std::string wire_;  // the request head (and a small body)
};

}  // namespace llmgw::upstream

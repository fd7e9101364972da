// One keep-alive connection to an upstream origin (HTTP or HTTPS) for an event loop: a Boost.Asio
// socket (TLS through asio::ssl and OpenSSL) and our own read buffer. Every operation runs under
// a deadline kept by one steady_timer whose expiry closes the socket; an operation that failed
// because the timer fired reports asio::error::timed_out. Not thread-safe: one loop owns it.
#pragma once

#include <utility>  // before asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "upstream/url.hpp"
#include "util/read_buffer.hpp"

namespace llmgw::upstream {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

/// The TLS client context every upstream connection of the process shares: system CA store
/// (SSL_CERT_FILE / SSL_CERT_DIR honoured, read when first used), peer verification on.
asio::ssl::context& tls_client_context();

class AsyncConnection {
 public:
  AsyncConnection(asio::io_context& io, const Url& url);
  ~AsyncConnection();
  AsyncConnection(const AsyncConnection&) = delete;
  AsyncConnection& operator=(const AsyncConnection&) = delete;

  /// Connects (or reconnects a connection that was closed, idle too long, or shows any sign of
  /// having been closed by the upstream: readable or hung up while idle): resolve, TCP connect
  /// with TCP_NODELAY, TLS handshake (SNI, host name verified), all by `deadline_ms`
  /// (canonical::steady_ms). Sets `fresh` when a new connection was made. Returns the error, if any.
  /// `now_ms`: canonical::steady_ms(), as the caller has just read it.
  asio::awaitable<error_code> prepare(int64_t deadline_ms, bool& fresh, int64_t now_ms);
  /// Writes all of `data` (one or two buffers, one write call) by `deadline_ms`.
  asio::awaitable<error_code> send_all(std::array<asio::const_buffer, 2> data, int64_t deadline_ms);
  /// Bytes the socket took since the last prepare() (0: nothing of a request left yet).
  std::size_t sent_bytes() const { return sent_; }
  /// Reads what arrives next into the buffer (one read, waiting until `deadline_ms` at most).
  /// Returns the bytes read; 0 with no error when the peer closed (TLS: with or without
  /// close_notify).
  asio::awaitable<std::size_t> fill(int64_t deadline_ms, error_code& ec);

  /// The bytes read but not yet consumed.
  util::ReadBuffer& input() { return in_; }
  const char* data() const { return in_.data(); }
  std::size_t size() const { return in_.size(); }
  void consume(std::size_t n) { in_.consume(n); }

  bool secure() const { return tls_; }
  /// Marks the connection reusable from now (idle timer starts).
  void mark_idle();
  /// Closes the socket: a pending operation ends with operation_aborted.
  void close();

 private:
  struct Alive {
    AsyncConnection* self;
  };
  asio::ip::tcp::socket& socket();
  /// Opens socket() (non-blocking) and connects it to the first of `endpoints` that answers.
  asio::awaitable<void> connect_socket(const asio::ip::tcp::resolver::results_type& endpoints, error_code& ec);
  /// Starts the deadline of the next operation / ends it. One timer (the alarm) enforces it,
  /// re-set only when a deadline comes sooner than the alarm.
  void arm(int64_t deadline_ms);
  void disarm();
  void set_alarm(int64_t at_ms);
  void on_alarm();
  /// The error an operation reports: timed_out when the deadline fired.
  error_code outcome(const error_code& ec) const;
  bool idle_connection_ok(int64_t now_ms) const;

  asio::io_context& io_;
  std::string host_;
  std::string port_;
  bool tls_;
  bool connected_ = false;
  std::optional<asio::ip::tcp::socket> plain_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> secure_;
  std::optional<asio::ip::tcp::resolver> resolver_;  // while resolving, to cancel it
  asio::steady_timer timer_;
  std::shared_ptr<Alive> alive_;
  uint64_t generation_ = 0;  // of the alarm set last: a replaced alarm's handler does nothing
  int64_t deadline_ = 0;     // of the operation under way (canonical::steady_ms; 0: none)
  bool alarm_set_ = false;   // the timer waits, to go off at alarm_ms_
  int64_t alarm_ms_ = 0;
  bool timed_out_ = false;
  std::size_t sent_ = 0;
  int64_t last_used_ms_ = 0;
  util::ReadBuffer in_;
};

}  // namespace llmgw::upstream

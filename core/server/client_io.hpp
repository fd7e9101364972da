// A client connection's byte I/O on its event loop: one read buffer, asynchronous reads and
// gathered writes, one deadline at a time enforced by a watchdog timer, and a background read
// that notices a client leaving while its call runs.
//
// Deadlines cost no system call per operation: set_deadline() only stores the time; the
// watchdog sleeps until the earliest deadline it was told of, and when it wakes either cancels
// the socket's pending operations (the deadline passed: they end with Read::Timeout / false)
// or sleeps again until the current one.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <boost/system/error_code.hpp>

#include "util/read_buffer.hpp"

namespace llmgw::server {

namespace asio = boost::asio;

class ClientIO : public std::enable_shared_from_this<ClientIO> {
 public:
  explicit ClientIO(asio::ip::tcp::socket socket);
  ClientIO(const ClientIO&) = delete;
  ClientIO& operator=(const ClientIO&) = delete;

  /// Starts the watchdog; call once, on the loop, after make_shared.
  void start();
  /// Closes the socket (pending operations end) and stops the watchdog.
  void close();
  bool closed() const { return closed_; }

  /// Whatever waits on this client must be done by `deadline_ms` (canonical::steady_ms; 0: none).
  void set_deadline(int64_t deadline_ms);
  int64_t deadline() const { return deadline_; }
  /// The deadline passed and cancelled what was pending.
  bool timed_out() const { return timed_out_; }

  enum class Read { Data, Closed, Timeout, Error };
  /// Reads what arrives next into input(); the background read, if one was started by watch(),
  /// is this read. `try_now`: read directly first, for bytes that are likely here already (a new
  /// connection's first request); a direct read that finds nothing costs one system call.
  asio::awaitable<Read> fill(bool try_now = false);
  util::ReadBuffer& input() { return in_; }
  /// A request is being served (from its head to its answer's last byte); otherwise the
  /// connection is between requests, and a graceful stop may close it at once.
  void set_busy(bool busy) { busy_ = busy; }
  bool idle() const { return !busy_ && in_.size() == 0; }

  /// Writes what the socket takes now without waiting (the socket is non-blocking); returns
  /// the bytes taken. `failed`: the connection is closed or broken.
  std::size_t write_now(std::string_view data, bool& failed);
  /// Writes every byte of the pieces in one gathered write; false on error or deadline.
  asio::awaitable<bool> write(std::string_view a, std::string_view b = {}, std::string_view c = {},
                              std::string_view d = {});

  /// While a call runs: reads from the client in the background. End of stream or an error (the
  /// client left) sets gone() and calls `on_gone` once; bytes that arrive (a pipelined request)
  /// stay in input() for the next fill().
  void watch(std::function<void()> on_gone);
  /// Forgets the callback given to watch() (the call it belonged to ended); the background read
  /// stays pending as the connection's next fill().
  void unwatch() { on_gone_ = nullptr; }
  bool gone() const { return gone_; }
  /// Waits `ms` unless the client goes away first; false when it did.
  asio::awaitable<bool> sleep_unless_gone(int64_t ms);

  const asio::ip::tcp::socket& socket() const { return socket_; }

 private:
  /// The watchdog: the timer waits for the current deadline (or forever); when it goes off,
  /// a passed deadline cancels the socket's pending operations, and it waits again.
  void arm_watchdog();
  void on_watchdog();
  void watch_wait();
  void on_watch_ready(const boost::system::error_code& ec);
  void on_watch_read(const boost::system::error_code& ec, std::size_t n);

  asio::ip::tcp::socket socket_;
  asio::steady_timer watchdog_timer_;
  asio::steady_timer wake_;         // a fill() waiting for the background read
  asio::steady_timer sleep_timer_;  // sleep_unless_gone
  util::ReadBuffer in_;
  int64_t deadline_ = 0;
  bool timed_out_ = false;
  bool closed_ = false;
  bool watch_pending_ = false, watch_done_ = false;
  boost::system::error_code watch_ec_;
  std::size_t watch_n_ = 0;
  bool gone_ = false;
  bool busy_ = false;
  std::function<void()> on_gone_;
};

}  // namespace llmgw::server

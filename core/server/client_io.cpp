#include "server/client_io.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>

#include "canonical/clock.hpp"

namespace llmgw::server {
namespace {

using boost::system::error_code;

std::chrono::steady_clock::time_point at(int64_t steady_ms) {
  return std::chrono::steady_clock::time_point(std::chrono::milliseconds(steady_ms));
}

}  // namespace

ClientIO::ClientIO(asio::ip::tcp::socket socket)
    : socket_(std::move(socket)),
      watchdog_timer_(socket_.get_executor()),
      wake_(socket_.get_executor()),
      sleep_timer_(socket_.get_executor()) {}

void ClientIO::start() {
  error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  socket_.non_blocking(true, ec);  // write() tries a direct send first
  arm_watchdog();  // a timer with a handler, not a coroutine: nothing to allocate or schedule
}

void ClientIO::close() {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  watchdog_timer_.cancel();
  wake_.cancel();
  sleep_timer_.cancel();
}

void ClientIO::arm_watchdog() {
  watchdog_timer_.expires_at(deadline_ ? at(deadline_) : std::chrono::steady_clock::time_point::max());
  watchdog_timer_.async_wait([self = shared_from_this()](const error_code&) { self->on_watchdog(); });
}

void ClientIO::on_watchdog() {
  if (closed_) return;  // the last handler lets go of the connection
  if (deadline_ && canonical::steady_ms() >= deadline_) {
    timed_out_ = true;
    deadline_ = 0;
    error_code ec;
    socket_.cancel(ec);  // pending reads and writes end now
  }
  arm_watchdog();
}

void ClientIO::set_deadline(int64_t deadline_ms) {
  deadline_ = deadline_ms;
  if (deadline_ms == 0) return;
  timed_out_ = false;
  // Sooner than the watchdog's alarm: wake it to set the alarm earlier. Later: it finds out
  // when it wakes, and sleeps on.
  if (watchdog_timer_.expiry() > at(deadline_ms)) watchdog_timer_.cancel();
}

asio::awaitable<ClientIO::Read> ClientIO::fill(bool try_now) {
  if (closed_) co_return Read::Closed;
  while (watch_pending_) {
    wake_.expires_at(std::chrono::steady_clock::time_point::max());
    error_code ec;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (watch_done_) {
    watch_done_ = false;
    if (watch_n_ > 0) co_return Read::Data;  // committed by on_watch_read
    if (watch_ec_ == asio::error::eof) co_return Read::Closed;
    if (watch_ec_ != asio::error::operation_aborted) co_return Read::Error;
    if (timed_out_) co_return Read::Timeout;
    // Cancelled for another reason (a write's deadline): read again.
  }
  error_code ec;
  if (try_now) {
    // A direct read (the socket is non-blocking): bytes already here are taken without a trip
    // through the loop's queue.
    char* at = in_.space();  // before space_size(): space() makes the room
    const std::size_t got = socket_.read_some(asio::buffer(at, in_.space_size()), ec);
    if (got > 0) {
      in_.commit(got);
      co_return Read::Data;
    }
    if (ec == asio::error::eof) co_return Read::Closed;
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return Read::Error;
    ec = {};
  }
  if (in_.size() > 0) {  // part of a message is here: read into the buffer that holds it
    char* at = in_.space();
    const std::size_t n = co_await socket_.async_read_some(asio::buffer(at, in_.space_size()),
                                                           asio::redirect_error(asio::use_awaitable, ec));
    if (n > 0) {
      in_.commit(n);
      co_return Read::Data;
    }
    if (ec == asio::error::eof) co_return Read::Closed;
    if (ec == asio::error::operation_aborted && timed_out_) co_return Read::Timeout;
    co_return Read::Error;
  }
  // Nothing unread (a keep-alive connection between requests, most often): wait with no buffer
  // held, then read. An idle connection costs no read buffer (nginx frees its buffers the same
  // way), and the system calls are as many as a speculative read's (the wait re-arms epoll
  // where the read would have failed with EAGAIN first).
  in_.release();
  for (;;) {
    co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec == asio::error::operation_aborted && timed_out_ ? Read::Timeout : Read::Error;
    char* at = in_.space();
    const std::size_t n = socket_.read_some(asio::buffer(at, in_.space_size()), ec);
    if (n > 0) {
      in_.commit(n);
      co_return Read::Data;
    }
    if (ec == asio::error::eof) co_return Read::Closed;
    if (ec != asio::error::would_block && ec != asio::error::try_again) co_return Read::Error;
    in_.release();  // woken with nothing to read: wait again, holding no buffer
  }
}

std::size_t ClientIO::write_now(std::string_view data, bool& failed) {
  failed = closed_;
  if (closed_ || data.empty()) return 0;
  error_code ec;
  const std::size_t n = socket_.write_some(asio::buffer(data.data(), data.size()), ec);  // non-blocking
  failed = ec && ec != asio::error::would_block && ec != asio::error::try_again;
  return n;
}

asio::awaitable<bool> ClientIO::write(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  if (closed_) co_return false;
  const std::size_t total = a.size() + b.size() + c.size() + d.size();
  if (total == 0) co_return true;
  // One gathered write (empty pieces are zero-length buffers).
  std::array<asio::const_buffer, 4> pieces{asio::buffer(a.data(), a.size()), asio::buffer(b.data(), b.size()),
                                           asio::buffer(c.data(), c.size()), asio::buffer(d.data(), d.size())};
  // The socket is non-blocking: the kernel usually takes everything at once, and then the
  // caller goes on without a trip through the loop's queue (an awaited write that completes
  // at once still waits there behind every other ready handler: under load, a whole turn).
  error_code ec;
  std::size_t done = socket_.write_some(pieces, ec);
  if (!ec && done == total) co_return true;
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
  for (auto& piece : pieces) {  // skip what left already
    const std::size_t skip = std::min(done, piece.size());
    piece += skip;
    done -= skip;
  }
  ec = {};
  co_await asio::async_write(socket_, pieces, asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

void ClientIO::watch(std::function<void()> on_gone) {
  on_gone_ = std::move(on_gone);
  if (gone_) {
    if (on_gone_) on_gone_();
    return;
  }
  if (watch_pending_ || watch_done_ || closed_) return;
  watch_pending_ = true;
  watch_wait();
}

void ClientIO::watch_wait() {
  // A wait, not a read: the connection holds no read buffer while it is idle (the watch often
  // outlives its call, waiting for the client's next request).
  in_.release();
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const error_code& ec) { self->on_watch_ready(ec); });
}

void ClientIO::on_watch_ready(const error_code& ec) {
  if (ec) return on_watch_read(ec, 0);
  error_code rec;
  char* at = in_.space();  // before space_size(): space() makes the room
  const std::size_t n = socket_.read_some(asio::buffer(at, in_.space_size()), rec);
  if (n == 0 && (rec == asio::error::would_block || rec == asio::error::try_again)) return watch_wait();  // nothing yet
  on_watch_read(rec, n);
}

void ClientIO::on_watch_read(const error_code& ec, std::size_t n) {
  watch_pending_ = false;
  watch_done_ = true;
  watch_ec_ = ec;
  watch_n_ = n;
  if (n > 0) in_.commit(n);
  wake_.cancel();
  if (n == 0 && ec != asio::error::operation_aborted) {
    gone_ = true;
    sleep_timer_.cancel();
    if (auto f = std::move(on_gone_)) f();
  }
}

asio::awaitable<bool> ClientIO::sleep_unless_gone(int64_t ms) {
  if (gone_) co_return false;
  if (!watch_pending_ && !watch_done_) watch(nullptr);  // to hear it leave while we wait
  sleep_timer_.expires_after(std::chrono::milliseconds(ms));
  error_code ec;
  co_await sleep_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !gone_;
}

}  // namespace llmgw::server

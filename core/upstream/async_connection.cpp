#include "upstream/async_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <climits>
#include <string>
#include <unordered_map>

#include "canonical/clock.hpp"

namespace llmgw::upstream {
namespace {

// A pooled connection idle for longer than this is reconnected rather than reused (as the
// blocking Connection does): servers close idle keep-alive connections after a few seconds.
constexpr int64_t kMaxIdleMs = 8000;

/// An idle keep-alive connection must have nothing to read: any readiness means the upstream
/// closed it (EOF, a TLS close_notify, a reset) or sent bytes no request asked for.
bool looks_closed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) != 0;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

/// Resolved upstream addresses, per event loop (each loop thread its own: no lock), kept for
/// kDnsTtlMs: a burst of new connections to one origin resolves once, not once each (the
/// resolver runs getaddrinfo on a single background thread).
constexpr int64_t kDnsTtlMs = 30'000;
struct DnsEntry {
  asio::ip::tcp::resolver::results_type results;
  int64_t expires_ms = 0;
};
std::unordered_map<std::string, DnsEntry>& dns_cache() {
  thread_local std::unordered_map<std::string, DnsEntry> cache;
  return cache;
}

asio::ssl::context make_tls_client_context() {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3);
  ctx.set_default_verify_paths();  // honours SSL_CERT_FILE / SSL_CERT_DIR
  ctx.set_verify_mode(asio::ssl::verify_peer);
  ctx.set_verify_depth(9);
  return ctx;
}

}  // namespace

asio::ssl::context& tls_client_context() {
  static asio::ssl::context ctx = make_tls_client_context();
  return ctx;
}

AsyncConnection::AsyncConnection(asio::io_context& io, const Url& url)
    : io_(io),
      host_(url.host),
      port_(std::to_string(url.port)),
      tls_(url.scheme == "https"),
      timer_(io),
      alive_(std::make_shared<Alive>(Alive{this})) {}

AsyncConnection::~AsyncConnection() {
  alive_->self = nullptr;  // a timer handler still queued does nothing
  close();
}

asio::ip::tcp::socket& AsyncConnection::socket() { return tls_ ? secure_->next_layer() : *plain_; }

void AsyncConnection::arm(int64_t deadline_ms) {
  timed_out_ = false;
  // Far deadlines (a caller's "none") are capped as canonical::ms_until caps them: the conversion
  // to the timer's nanoseconds must not overflow.
  // Any earlier reading of the steady clock is a lower bound of now: a deadline within INT32_MAX
  // of the first one this process took is below the cap without reading the clock again.
  static const int64_t first_reading_ms = canonical::steady_ms();
  deadline_ = deadline_ms <= first_reading_ms + INT32_MAX ? deadline_ms
                                                          : std::min(deadline_ms, canonical::steady_ms() + INT32_MAX);
  // The timer is re-set only when this deadline comes before its alarm: one alarm serves every
  // operation of a stream (re-setting it per read was a heap insertion, a cancellation and one
  // more handler through the loop's queue for each upstream read). A later deadline is found
  // when the alarm goes off, and the alarm sleeps on.
  if (!alarm_set_ || deadline_ < alarm_ms_) set_alarm(deadline_);
}

void AsyncConnection::set_alarm(int64_t at_ms) {
  alarm_set_ = true;
  alarm_ms_ = at_ms;
  const uint64_t generation = ++generation_;  // a replaced alarm's handler does nothing
  timer_.expires_at(asio::steady_timer::time_point(std::chrono::milliseconds(at_ms)));
  timer_.async_wait([alive = alive_, generation](const error_code& ec) {
    AsyncConnection* self = alive->self;
    if (ec || !self || self->generation_ != generation) return;
    self->on_alarm();
  });
}

void AsyncConnection::on_alarm() {
  alarm_set_ = false;
  if (deadline_ == 0) return;  // no operation under a deadline now
  if (canonical::steady_ms() < deadline_) {
    set_alarm(deadline_);  // the deadline moved on since the alarm was set
    return;
  }
  deadline_ = 0;
  timed_out_ = true;
  close();  // the pending operation ends with operation_aborted
}

void AsyncConnection::disarm() { deadline_ = 0; }

error_code AsyncConnection::outcome(const error_code& ec) const {
  return timed_out_ ? error_code(asio::error::timed_out) : ec;
}

bool AsyncConnection::idle_connection_ok(int64_t now_ms) const {
  if (in_.size() != 0 || now_ms - last_used_ms_ >= kMaxIdleMs) return false;
  const auto& s = tls_ ? secure_->next_layer() : *plain_;
  if (!s.is_open() || looks_closed(const_cast<asio::ip::tcp::socket&>(s).native_handle())) return false;
  // Decrypted bytes nobody asked for (the socket itself no longer signals them).
  return !(tls_ && SSL_pending(const_cast<asio::ssl::stream<asio::ip::tcp::socket>&>(*secure_).native_handle()) > 0);
}

void AsyncConnection::mark_idle() {
  last_used_ms_ = canonical::steady_ms();
  in_.release();  // a pooled connection holds no read buffer (nothing unread: it would not be pooled)
}

void AsyncConnection::close() {
  error_code ignored;
  if (resolver_) resolver_->cancel();
  if (tls_ ? secure_.has_value() : plain_.has_value()) socket().close(ignored);
  connected_ = false;
  in_.clear();
}

asio::awaitable<error_code> AsyncConnection::prepare(int64_t deadline_ms, bool& fresh, int64_t now_ms) {
  sent_ = 0;
  fresh = false;
  if (connected_ && idle_connection_ok(now_ms)) co_return error_code{};
  close();
  fresh = true;
  error_code ec;
  arm(deadline_ms);

  asio::ip::tcp::resolver::results_type endpoints;
  const std::string key = host_ + ":" + port_;
  const int64_t now = canonical::steady_ms();
  if (auto it = dns_cache().find(key); it != dns_cache().end() && it->second.expires_ms > now) {
    endpoints = it->second.results;
  } else if (error_code literal; (void)asio::ip::make_address(host_, literal), !literal) {
    // An IP address needs no resolver (and no thread hop).
    endpoints = asio::ip::tcp::resolver::results_type::create(
        asio::ip::tcp::endpoint(asio::ip::make_address(host_), static_cast<unsigned short>(std::stoi(port_))), host_,
        port_);
    dns_cache()[key] = DnsEntry{endpoints, now + kDnsTtlMs};
  } else {
    resolver_.emplace(io_);
    endpoints = co_await resolver_->async_resolve(host_, port_, asio::redirect_error(asio::use_awaitable, ec));
    resolver_.reset();
    if (ec || timed_out_) {
      disarm();
      co_return outcome(ec);
    }
    if (dns_cache().size() > 1024) dns_cache().clear();  // entries are copied out, never held
    dns_cache()[key] = DnsEntry{endpoints, canonical::steady_ms() + kDnsTtlMs};
  }

  // No operation is pending on the previous socket (closed above): it can be replaced.
  if (tls_) {
    secure_.emplace(io_, tls_client_context());
    if (!is_ip_literal(host_)) SSL_set_tlsext_host_name(secure_->native_handle(), host_.c_str());  // SNI
    secure_->set_verify_callback(asio::ssl::host_name_verification(host_));
  } else {
    plain_.emplace(io_);
  }
  co_await connect_socket(endpoints, ec);
  if (!ec && !timed_out_) socket().set_option(asio::ip::tcp::no_delay(true), ec);
  if (!ec && !timed_out_ && tls_)
    co_await secure_->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  ec = outcome(ec);
  if (ec) {
    close();
    co_return ec;
  }
  connected_ = true;
  last_used_ms_ = canonical::steady_ms();
  co_return error_code{};
}

asio::awaitable<void> AsyncConnection::connect_socket(const asio::ip::tcp::resolver::results_type& endpoints,
                                                      error_code& ec) {
  asio::ip::tcp::socket& s = socket();
  ec = asio::error::host_not_found;
  for (const auto& entry : endpoints) {  // each address in turn, as asio::async_connect does
    if (timed_out_) break;
    error_code e;
    s.close(e);
    s.open(entry.endpoint().protocol(), e);
    if (!e) s.non_blocking(true, e);
    if (e) {
      ec = e;
      continue;
    }
    // A non-blocking connect; over loopback the handshake has usually completed by the time it
    // returns, so the socket is checked at once rather than after a turn of the loop.
    const int fd = s.native_handle();
    if (::connect(fd, entry.endpoint().data(), static_cast<socklen_t>(entry.endpoint().size())) != 0) {
      if (errno != EINPROGRESS && errno != EAGAIN && errno != EINTR) {
        ec = error_code(errno, asio::error::get_system_category());
        continue;
      }
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 0) == 0) {
        co_await s.async_wait(asio::ip::tcp::socket::wait_write, asio::redirect_error(asio::use_awaitable, e));
        if (e || timed_out_) {
          ec = e ? e : error_code(asio::error::operation_aborted);
          if (timed_out_) break;
          continue;
        }
      }
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err != 0) {
        ec = error_code(err, asio::error::get_system_category());
        continue;
      }
    }
    ec = {};
    co_return;
  }
}

asio::awaitable<error_code> AsyncConnection::send_all(std::array<asio::const_buffer, 2> data, int64_t deadline_ms) {
  if (!connected_) co_return error_code(asio::error::not_connected);
  error_code ec;
  if (!tls_) {
    // A request usually fits the socket's buffer: sent at once, with no trip through the
    // loop's queue (the socket is non-blocking; what is left goes asynchronously).
    const std::size_t total = data[0].size() + data[1].size();
    std::size_t n = plain_->write_some(data, ec);
    sent_ += n;
    if (!ec && n == total) co_return error_code{};
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return ec;
    for (auto& piece : data) {
      const std::size_t skip = std::min(n, piece.size());
      piece += skip;
      n -= skip;
    }
    ec = {};
  }
  arm(deadline_ms);
  std::size_t n;  // (if/else: no co_await inside a conditional expression, which GCC 12 mislowers)
  if (tls_) n = co_await asio::async_write(*secure_, data, asio::redirect_error(asio::use_awaitable, ec));
  else n = co_await asio::async_write(*plain_, data, asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  sent_ += n;
  co_return outcome(ec);
}

asio::awaitable<std::size_t> AsyncConnection::fill(int64_t deadline_ms, error_code& ec) {
  ec = {};
  if (!connected_) {
    ec = asio::error::not_connected;
    co_return 0;
  }
  arm(deadline_ms);
  char* at = in_.space();  // first: it may allocate or grow the buffer that space_size() measures
  const auto space = asio::buffer(at, in_.space_size());
  std::size_t n;
  if (tls_) n = co_await secure_->async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
  else n = co_await plain_->async_read_some(space, asio::redirect_error(asio::use_awaitable, ec));
  disarm();
  if (timed_out_) {
    ec = asio::error::timed_out;
    co_return 0;
  }
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    ec = {};  // the peer closed
    co_return 0;
  }
  if (ec) co_return 0;
  in_.commit(n);
  co_return n;
}

}  // namespace llmgw::upstream

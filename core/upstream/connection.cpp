#include "upstream/connection.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <poll.h>

#include <algorithm>
#include <mutex>

namespace llmgw::upstream {
namespace {

Poco::Net::Context::Ptr& tls_context() {
  static Poco::Net::Context::Ptr ctx;
  return ctx;
}

// A pooled connection idle for longer than this is reconnected rather than reused (as Poco's
// HTTPClientSession did): servers close idle keep-alive connections after a few seconds.
constexpr Poco::Timestamp::TimeDiff kMaxIdleUs = 8'000'000;

/// An idle keep-alive connection must have nothing to read: any readiness means the upstream
/// closed it (EOF, a TLS close_notify, a reset) or sent bytes no request asked for.
bool looks_closed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  return ::poll(&p, 1, 0) != 0;
}

}  // namespace

bool Connection::prepare(const Poco::Timespan& connect_timeout) {
  sent_ = 0;
  if (connected_ && !last_used_.isElapsed(kMaxIdleUs) && in_.size() == 0 && !looks_closed(fd())) return false;
  close();
  const Poco::Net::SocketAddress address(host_, port_);
  if (tls_) {
    init_tls();
    Poco::Net::SecureStreamSocket s(tls_context());
    s.setPeerHostName(host_);
    s.connect(address, connect_timeout);  // includes the handshake, under the same timeout
    socket_ = s;
  } else {
    socket_ = Poco::Net::StreamSocket();
    socket_.connect(address, connect_timeout);
  }
  socket_.setNoDelay(true);
  connected_ = true;
  receive_timeout_ = send_timeout_ = Poco::Timespan(-1);  // a new socket: timeouts must be set again
  last_used_.update();
  return true;
}

void Connection::set_receive_timeout(const Poco::Timespan& timeout) {
  // Callers pass what is left of a deadline, a little less each request: within 1/16 of the
  // current value the system call is skipped (a read timeout is per read, not a deadline).
  const Poco::Timespan::TimeDiff now = receive_timeout_.totalMicroseconds(), want = timeout.totalMicroseconds();
  if (now >= 0 && want >= now - now / 16 && want <= now + now / 16) return;
  socket_.setReceiveTimeout(timeout);
  receive_timeout_ = timeout;
}

void Connection::set_send_timeout(const Poco::Timespan& timeout) {
  const Poco::Timespan::TimeDiff now = send_timeout_.totalMicroseconds(), want = timeout.totalMicroseconds();
  if (now >= 0 && want >= now - now / 16 && want <= now + now / 16) return;
  socket_.setSendTimeout(timeout);
  send_timeout_ = timeout;
}

void Connection::send_all(std::string_view data) {
  while (!data.empty()) {
    const int n = socket_.sendBytes(data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30)));
    if (n <= 0) throw Poco::Net::ConnectionResetException("upstream send failed");
    sent_ += static_cast<std::size_t>(n);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::size_t Connection::fill() {
  char* at = in_.space();
  const int n = socket_.receiveBytes(at, static_cast<int>(std::min<std::size_t>(in_.space_size(), 1 << 30)));
  if (n <= 0) return 0;
  in_.commit(static_cast<std::size_t>(n));
  return static_cast<std::size_t>(n);
}

void Connection::close() {
  if (connected_) {
    try {
      socket_.close();
    } catch (...) {
    }
  }
  connected_ = false;
  in_.clear();
}

void init_tls() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    tls_context() = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                           Poco::Net::Context::VERIFY_RELAXED, 9, true);
  });
}

std::unique_ptr<Connection> make_connection(const Url& url) {
  if (url.scheme == "https") init_tls();
  return std::make_unique<Connection>(url);
}

}  // namespace llmgw::upstream

// One keep-alive connection to an upstream origin (HTTP or HTTPS), owned by a pool: a Poco
// socket (TLS through NetSSL) and our own read buffer. The HTTP framing is done by the exchange
// on that buffer, so a request leaves in one write and a response usually arrives in one read.
#pragma once

#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "upstream/url.hpp"
#include "util/read_buffer.hpp"

namespace llmgw::upstream {

class Connection {
 public:
  explicit Connection(const Url& url) : host_(url.host), port_(url.port), tls_(url.scheme == "https") {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Connects (or reconnects a connection that was closed, idle too long, or shows any sign
  /// of having been closed by the upstream: readable or hung up while idle), with TCP_NODELAY.
  /// Returns true when a new TCP connection was made. Throws Poco exceptions.
  bool prepare(const Poco::Timespan& connect_timeout);
  /// Sets the socket receive / send timeout, skipping the system call when it is already set.
  void set_receive_timeout(const Poco::Timespan& timeout);
  void set_send_timeout(const Poco::Timespan& timeout);
  /// Writes all of `data`. Throws Poco exceptions.
  void send_all(std::string_view data);
  /// Bytes the socket took since the last prepare() (0: nothing of a request left yet).
  std::size_t sent_bytes() const { return sent_; }
  /// Reads what arrives next into the buffer (one read, blocking up to the receive timeout).
  /// Returns 0 when the peer closed. Throws Poco exceptions (TimeoutException on timeout).
  std::size_t fill();

  /// The bytes read but not yet consumed.
  util::ReadBuffer& input() { return in_; }
  const char* data() const { return in_.data(); }
  std::size_t size() const { return in_.size(); }
  void consume(std::size_t n) { in_.consume(n); }

  int fd() const { return socket_.impl()->sockfd(); }
  bool secure() const { return tls_; }
  /// Decrypted bytes that TLS holds but the socket no longer signals (always 0 for plain HTTP).
  bool tls_pending() const { return tls_ && socket_.impl()->available() > 0; }
  /// Marks the connection reusable from now (idle timer) or closes it.
  void mark_idle() { last_used_.update(); }
  void close();

 private:
  std::string host_;
  unsigned short port_;
  bool tls_;
  bool connected_ = false;
  Poco::Net::StreamSocket socket_;
  Poco::Timespan receive_timeout_{-1}, send_timeout_{-1};
  std::size_t sent_ = 0;
  Poco::Timestamp last_used_;
  util::ReadBuffer in_;
};

/// Makes a (not yet connected) connection for `url`'s origin.
std::unique_ptr<Connection> make_connection(const Url& url);

/// Initialises TLS for upstream clients once (system CA store, relaxed verification off).
void init_tls();

}  // namespace llmgw::upstream

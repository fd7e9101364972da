// One keep-alive connection to an upstream origin (HTTP or HTTPS), owned by a pool.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Timespan.h>

#include <memory>

#include "upstream/url.hpp"

namespace llmgw::upstream {

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Poco::Net::HTTPClientSession& http() = 0;
  /// Bytes already read from the socket but not yet consumed by the response stream.
  virtual int buffered() const = 0;
  /// Connects (or reconnects a connection the server may have closed), with TCP_NODELAY.
  /// Returns true when a new TCP connection was made.
  virtual bool prepare(const Poco::Timespan& connect_timeout) = 0;
  /// Sets the socket receive timeout, skipping the system call when it is already set.
  void set_receive_timeout(const Poco::Timespan& timeout) {
    if (timeout == receive_timeout_) return;
    http().socket().setReceiveTimeout(timeout);
    receive_timeout_ = timeout;
  }

 protected:
  Poco::Timespan receive_timeout_{-1};
};

/// Makes a connection for `url`'s origin (https uses the process-wide client TLS context).
std::unique_ptr<Connection> make_connection(const Url& url);

/// Initialises TLS for upstream clients once (system CA store, relaxed verification off).
void init_tls();

}  // namespace llmgw::upstream

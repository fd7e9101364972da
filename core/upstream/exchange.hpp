// One HTTP request/response with an upstream over a pooled keep-alive connection.
#pragma once

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upstream/connection_pool.hpp"
#include "upstream/upstream_error.hpp"
#include "upstream/url.hpp"

namespace llmgw::upstream {

struct OutgoingRequest {
  std::string_view method = "POST";
  const Url* url = nullptr;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::size_t header_count = 0;  // how many of *headers to send
  std::string_view body;
  int connect_timeout_ms = 5000;
  int first_byte_timeout_ms = 600000;  // until the status line and headers arrive
};

class Exchange {
 public:
  explicit Exchange(ConnectionPool& pool) : pool_(pool) {}
  ~Exchange();  // a connection whose response was not read to the end is closed, not pooled
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  /// Sends the request and reads the status line and headers. Throws TransportError.
  void start(const OutgoingRequest& request);

  int status() const { return response_.getStatus(); }
  const Poco::Net::HTTPResponse& response() const { return response_; }

  /// Reads the whole body into `out` (read timeout per socket read). Throws TransportError.
  void read_all(std::string& out, int read_timeout_ms);

  /// Reads what is available, waiting up to `idle_timeout_ms` for bytes. Returns 0 at the end
  /// of the body. While waiting, watches `client` (if given): a client that closed its
  /// connection raises TransportError(ClientGone) at once.
  std::size_t read_some(char* buf, std::size_t cap, int idle_timeout_ms,
                        Poco::Net::StreamSocket* client);

  /// True when response bytes have already arrived and wait to be read (read_some will not
  /// block on the network for them). Callers flush their client output when this is false.
  bool has_buffered() const;

  /// Marks the response as read to the end: the connection goes back to the pool.
  void finish();
  /// Closes the connection (e.g. the client went away mid-stream).
  void abort();

 private:
  ConnectionPool& pool_;
  const Url* url_ = nullptr;
  std::unique_ptr<Connection> conn_;
  std::istream* body_ = nullptr;
  bool eof_ = false;
  long long remaining_ = -1;  // bytes left of a Content-Length body; -1: chunked or until close
  Poco::Net::HTTPResponse response_;
};

}  // namespace llmgw::upstream

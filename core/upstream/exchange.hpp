// One HTTP request/response with an upstream over a pooled keep-alive connection.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upstream/connection_pool.hpp"
#include "upstream/response_framing.hpp"
#include "upstream/upstream_error.hpp"
#include "upstream/url.hpp"
#include "util/http_body.hpp"

namespace llmgw::upstream {

struct OutgoingRequest {
  std::string_view method = "POST";
  const Url* url = nullptr;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::size_t header_count = 0;  // how many of *headers to send
  std::string_view body;
  int connect_timeout_ms = 5000;
  /// Steady-clock ms (util::steady_ms) by which the request must be sent and the status line
  /// and headers have arrived, interim (1xx) answers included.
  int64_t head_deadline_ms = 0;
};

class Exchange {
 public:
  explicit Exchange(ConnectionPool& pool) : pool_(pool) {}
  ~Exchange();  // a connection whose response was not read to the end is closed, not pooled
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  /// Sends the request and reads the status line and headers, all by request.head_deadline_ms.
  /// A pooled connection is checked before use; the request is sent again on a new connection
  /// only when the first copy provably never left (the first write to a reused connection
  /// failed), so a POST never reaches the upstream twice. Throws TransportError.
  void start(const OutgoingRequest& request);

  int status() const { return status_; }
  /// The response's header fields (valid until the next exchange on this thread).
  const HeaderLines& headers() const { return headers_; }

  /// Reads the whole body into `out`, all of it by `deadline_ms` (steady ms) and no more than
  /// `max_bytes` of it (else TransportError(TooLarge)). Throws TransportError.
  void read_all(std::string& out, int64_t deadline_ms, std::size_t max_bytes);

  /// Reads what is available, waiting up to `idle_timeout_ms` for bytes, and never past
  /// `deadline_ms` (steady ms; ReadTimeout once it has passed, however steadily bytes arrive).
  /// Returns 0 at the end of the body. While waiting, watches `client` (if given): a client
  /// that closed its connection raises TransportError(ClientGone) at once.
  std::size_t read_some(char* buf, std::size_t cap, int idle_timeout_ms, int64_t deadline_ms,
                        Poco::Net::StreamSocket* client);

  /// True when body bytes have already arrived and wait to be read (read_some will not block
  /// on the network for them). Callers flush their client output when this is false.
  bool has_buffered();

  /// Marks the response as read to the end: the connection goes back to the pool.
  void finish();
  /// Closes the connection (e.g. the client went away mid-stream).
  void abort();

 private:
  ConnectionPool& pool_;
  /// Reads the status line and headers (skipping 1xx answers, at most kMaxInterim of them) by
  /// `deadline_ms` and sets up the body decoder.
  void read_head(bool head_request, int64_t deadline_ms);
  /// Reads more body bytes into the connection buffer; false when the connection ended.
  bool fill_body();

  const Url* url_ = nullptr;
  std::unique_ptr<Connection> conn_;
  bool reading_ = false;     // a response is being read from conn_
  bool keep_alive_ = false;  // the upstream lets the connection be reused
  int status_ = 0;
  util::BodyDecoder body_;
  HeaderLines& headers_ = thread_headers();  // one exchange at a time per thread
  static HeaderLines& thread_headers() {
    thread_local HeaderLines lines;
    return lines;
  }
};

}  // namespace llmgw::upstream

// A parsed client request on a server Connection: Poco's HTTPServerRequest interface, filled by
// our own parser from the connection's read buffer (no per-character streams). The client and
// server addresses are looked up only when asked for, the body is read straight from the buffer
// (read_body), and the socket is reachable for disconnect watching.
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/client_io.hpp"
#include "server/request_head.hpp"
#include "util/http_body.hpp"

namespace llmgw::server {

class Request final : public Poco::Net::HTTPServerRequest {
 public:
  Request(ClientIO& io, Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerResponse& response,
          const Poco::Net::HTTPServerParams::Ptr& params);
  ~Request() override;

  /// Parses a complete head (HeadScanner delimits it) strictly, per RFC 9112
  /// (server/request_head.hpp), and sets up the body framing; the object is reused for each
  /// request of the connection (its header storage keeps its capacity). A refusal is returned
  /// with its status; the connection must close after answering it.
  HeadError parse(std::string_view head, const HeadLimits& limits);

  /// The request-target of the head last given to parse(), as far as it was read (for the
  /// dialect of a refusal); valid while the connection's buffer holds that head.
  std::string_view parsed_target() const { return head_.target; }

  /// The body must be read by this time (std::chrono::steady_clock, milliseconds): a client
  /// that drips its body is cut off there, however often single bytes arrive.
  void set_body_deadline(int64_t steady_ms) { body_deadline_ms_ = steady_ms; }

  enum class Body { Ok, TooLarge, Truncated, Error, Timeout };
  /// Reads the whole body into `out` (reused buffer); stops at TooLarge once it exceeds
  /// `max_bytes` (a Content-Length over the limit is refused without reading).
  Body read_body(std::string& out, std::size_t max_bytes);
  /// True when the body was read to its end (the connection may carry another request).
  bool body_done() const { return body_.done(); }
  /// Poco's getKeepAlive / getExpectContinue / getChunkedTransferEncoding / getContentLength64,
  /// noted while parsing rather than looked up (and re-parsed) each time.
  bool keep_alive() const { return keep_alive_; }
  bool expect_continue() const { return expect_continue_; }
  bool chunked() const { return chunked_; }
  long long content_length() const { return content_length_; }  // -1: none

  std::istream& stream() override;
  const Poco::Net::SocketAddress& clientAddress() const override;
  const Poco::Net::SocketAddress& serverAddress() const override;
  const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
  Poco::Net::HTTPServerResponse& response() const override { return response_; }
  bool secure() const override { return false; }

  /// The client's socket (watched for disconnects while an upstream stream is relayed).
  Poco::Net::StreamSocket& socket() { return socket_; }

 private:
  class BodyBuf;
  /// Body bytes into `buf` (up to `cap`), reading from the socket as needed; 0 at the end.
  /// Returns -1 on a read error or timeout.
  long read_some(char* buf, std::size_t cap);

  /// What is left of the body deadline, for one wait (at least 1 ms; 0 when it has passed).
  int body_wait_ms() const;

  ClientIO& io_;
  Poco::Net::StreamSocket& socket_;
  Poco::Net::HTTPServerResponse& response_;
  const Poco::Net::HTTPServerParams::Ptr& params_;
  int64_t body_deadline_ms_ = 0;
  RequestHead head_;
  bool truncated_ = false;
  bool keep_alive_ = false, expect_continue_ = false, chunked_ = false;
  long long content_length_ = -1;
  util::BodyDecoder body_;
  std::unique_ptr<BodyBuf> body_buf_;
  std::unique_ptr<std::istream> body_stream_;
  mutable std::optional<Poco::Net::SocketAddress> client_, server_;
};

/// The client socket of a request served by server::Connection.
inline Poco::Net::StreamSocket& client_socket(Poco::Net::HTTPServerRequest& request) {
  return static_cast<Request&>(request).socket();
}

}  // namespace llmgw::server

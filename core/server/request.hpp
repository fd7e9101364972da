// A parsed client request on a server Connection: Poco's HTTPServerRequest interface, filled by
// our own parser from the connection's read buffer (no per-character streams). The client and
// server addresses are looked up only when asked for, the body is read straight from the buffer
// (read_body), and the socket is reachable for disconnect watching.
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/client_io.hpp"
#include "util/http_body.hpp"

namespace llmgw::server {

class Request final : public Poco::Net::HTTPServerRequest {
 public:
  Request(ClientIO& io, Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerResponse& response,
          const Poco::Net::HTTPServerParams::Ptr& params, int read_timeout_ms);
  ~Request() override;

  /// Parses a complete head (util::find_head_end) and sets up the body framing; the object is
  /// reused for each request of the connection (its header storage keeps its capacity). Throws
  /// Poco's MessageException on malformed input (Poco's limits on lengths and field count).
  void parse(std::string_view head);

  enum class Body { Ok, TooLarge, Truncated, Error };
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

  ClientIO& io_;
  Poco::Net::StreamSocket& socket_;
  Poco::Net::HTTPServerResponse& response_;
  const Poco::Net::HTTPServerParams::Ptr& params_;
  int read_timeout_ms_;
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

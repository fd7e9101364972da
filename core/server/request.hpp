// A parsed client request on a server connection: Poco's HTTPServerRequest interface (what the
// front-ends read: method, URI, headers), filled by our strict parser (server/request_head) from
// the connection's buffer. The body is read asynchronously, straight from that buffer, under the
// body deadline (read_body); the client's I/O is reachable for the pipeline to watch it.
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/SocketAddress.h>

#include <boost/asio/awaitable.hpp>

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
  Request(ClientIO& io, Poco::Net::HTTPServerResponse& response);
  ~Request() override;

  /// Parses a complete head (HeadScanner delimits it) strictly, per RFC 9112
  /// (server/request_head.hpp), and sets up the body framing; the object is reused for each
  /// request of the connection (its header storage keeps its capacity). A refusal is returned
  /// with its status; the connection must close after answering it.
  HeadError parse(std::string_view head, const HeadLimits& limits);

  /// The request-target of the head last given to parse(), as far as it was read (for the
  /// dialect of a refusal); valid while the connection's buffer holds that head.
  std::string_view parsed_target() const { return head_.target; }

  /// The body must be read by this time (canonical::steady_ms): a client that drips its body is cut
  /// off there, however often single bytes arrive.
  void set_body_deadline(int64_t steady_ms) { body_deadline_ms_ = steady_ms; }

  enum class Body { Ok, TooLarge, Truncated, Error, Timeout };
  /// Reads the whole body into `out` (reused buffer); stops at TooLarge once it exceeds
  /// `max_bytes` (a Content-Length over the limit is refused without reading).
  boost::asio::awaitable<Body> read_body(std::string& out, std::size_t max_bytes);
  /// True when the body was read to its end (the connection may carry another request).
  bool body_done() const { return body_.done(); }
  /// Noted while parsing rather than looked up (and re-parsed) each time.
  bool keep_alive() const { return keep_alive_; }
  bool expect_continue() const { return expect_continue_; }
  bool chunked() const { return chunked_; }
  long long content_length() const { return content_length_; }  // -1: none

  /// The client's connection: watched while a call runs (a client that leaves ends it).
  ClientIO& io() { return io_; }

  /// Poco's body stream is not served: bodies are read with read_body. Always at its end.
  std::istream& stream() override;
  const Poco::Net::SocketAddress& clientAddress() const override;
  const Poco::Net::SocketAddress& serverAddress() const override;
  const Poco::Net::HTTPServerParams& serverParams() const override;
  Poco::Net::HTTPServerResponse& response() const override { return response_; }
  bool secure() const override { return false; }

 private:
  ClientIO& io_;
  Poco::Net::HTTPServerResponse& response_;
  int64_t body_deadline_ms_ = 0;
  RequestHead head_;
  bool keep_alive_ = false, expect_continue_ = false, chunked_ = false;
  long long content_length_ = -1;
  util::BodyDecoder body_;
  std::unique_ptr<std::istream> empty_stream_;
  mutable std::optional<Poco::Net::SocketAddress> client_, server_;
};

/// The client I/O of a request served by server::Connection.
inline ClientIO& client_io(Poco::Net::HTTPServerRequest& request) { return static_cast<Request&>(request).io(); }

}  // namespace llmgw::server

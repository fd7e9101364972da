// A parsed client request on a server connection: method, target, version and header fields
// as views into the head the connection copied out of its read buffer (server/request_head
// parses it strictly), so a request costs no allocation per header. The body is read
// asynchronously, straight from that buffer, under the body deadline (read_body); the client's
// I/O is reachable for the pipeline to watch it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "canonical/header_fields.hpp"
#include "server/client_io.hpp"
#include "server/request_head.hpp"
#include "util/http_body.hpp"

namespace llmgw::server {

class Request final {
 public:
  explicit Request(ClientIO& io) : io_(io) {}

  /// Parses a complete head (HeadScanner delimits it) strictly, per RFC 9112
  /// (server/request_head.hpp), and sets up the body framing; the object is reused for each
  /// request of the connection (its field vector keeps its capacity). `head` must outlive the
  /// request: every view below points into it. A refusal is returned with its status; the
  /// connection must close after answering it.
  HeadError parse(std::string_view head, const HeadLimits& limits);

  std::string_view method() const { return head_.method; }
  /// The request-target as sent (path and query).
  std::string_view uri() const { return head_.target; }
  /// The path of the target, without its query.
  std::string_view path() const { return uri().substr(0, uri().find('?')); }
  bool http10() const { return head_.version_minor == 0; }
  /// Every header field, in the order sent.
  canonical::HeaderFields headers() const { return head_.fields; }
  /// The first field named `name` (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const {
    return canonical::find_header(headers(), name);
  }

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
  /// read_body in two steps, so a body that already arrived costs no coroutine frame:
  /// read_body_now starts it and takes what is buffered, and answers when that settles it;
  /// nullopt means the rest must be awaited with read_body_rest, which continues into the same
  /// `out` (never call read_body_rest otherwise).
  std::optional<Body> read_body_now(std::string& out, std::size_t max_bytes);
  boost::asio::awaitable<Body> read_body_rest(std::string& out, std::size_t max_bytes);
  /// True when the body was read to its end (the connection may carry another request).
  bool body_done() const { return body_.done(); }
  /// Noted while parsing rather than looked up (and re-parsed) each time.
  bool keep_alive() const { return keep_alive_; }
  bool expect_continue() const { return expect_continue_; }
  bool chunked() const { return chunked_; }
  long long content_length() const { return content_length_; }  // -1: none

  /// The client's connection: watched while a call runs (a client that leaves ends it).
  ClientIO& io() const { return io_; }

 private:
  ClientIO& io_;
  int64_t body_deadline_ms_ = 0;
  RequestHead head_;
  bool keep_alive_ = false, expect_continue_ = false, chunked_ = false;
  long long content_length_ = -1;
  util::BodyDecoder body_;
};

/// The client I/O of a request served by server::Connection.
inline ClientIO& client_io(const Request& request) { return request.io(); }

}  // namespace llmgw::server

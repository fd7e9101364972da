// The response to one request on a server Connection: status, header fields (kept in storage
// reused by every response of the connection, so a response costs no allocation per field) and
// the body. Nothing here blocks: what the front-end writes is queued, and
// drain() sends the queue asynchronously, so a whole JSON answer leaves in one write
// (send_whole, its body not copied), a stream's head with its first events, and its last chunk
// with its last events (finish). A client that stops reading is cut off at the write deadline.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "server/client_io.hpp"

namespace llmgw::server {

class Response;

/// The body stream send() returns; one per connection, reused by each of its responses.
class ResponseStream {
 public:
  ResponseStream() : os_(&buf_) {}
  std::ostream& attach(Response* r) {
    buf_.r_ = r;
    os_.clear();
    return os_;
  }

 private:
  class Buf final : public std::streambuf {
   public:
    Response* r_ = nullptr;

   private:
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int_type overflow(int_type c) override;
    int sync() override;
  };
  Buf buf_;
  std::ostream os_;
};

class Response final {
 public:
  /// `write_timeout_ms`: the longest one drain() may take (a client that stops reading).
  Response(ClientIO& io, ResponseStream& stream, int write_timeout_ms)
      : io_(io), stream_(stream), write_timeout_ms_(write_timeout_ms) {}
  ~Response();
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;
  /// Makes the object ready for the next request of the connection: 200, no fields, nothing
  /// sent (the field storage keeps its capacity).
  void reset();

  /// Any status code, kept as an int (Anthropic's 529 included); an empty `reason` takes the
  /// standard phrase.
  void set_status(int status, std::string_view reason = {});
  int status() const { return status_; }
  /// Sets field `name` (ASCII case-insensitive), replacing the first of that name.
  void set(std::string_view name, std::string_view value);
  /// Adds field `name`, keeping any of that name already set (relayed repeated fields).
  void add(std::string_view name, std::string_view value);
  /// The value of field `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  void set_content_type(std::string_view type) { set("Content-Type", type); }
  /// Content-Length for a body written through send(); -1: none.
  void set_content_length(long long n) { content_length_ = n; }
  /// Transfer-Encoding: chunked for a body written through send().
  void set_chunked(bool chunked) { chunked_wanted_ = chunked; }
  /// Whether the connection stays open after this response (Connection: keep-alive / close).
  void set_keep_alive(bool keep) { keep_alive_ = keep; }
  bool keep_alive() const { return keep_alive_; }
  /// Answer as HTTP/1.0 (the client spoke 1.0): the head's version.
  void set_http10(bool v) { http10_ = v; }

  /// Queues "100 Continue" (the client sent Expect: 100-continue).
  void send_continue();
  /// Commits the head (sent with the first body bytes) and returns the body stream.
  std::ostream& send();
  bool sent() const { return sent_; }

  /// Queues the head and `body` (Content-Length set here), to leave in one write.
  void send_whole(std::string_view body);
  /// Completes a send() body: what is buffered and, when chunked, the last chunk (with the
  /// trailer fields set by set_trailer).
  void finish();
  /// A field whose value is known only once the body is written (x-llmgw-cost of a stream):
  /// named in the head as `Trailer: name` when the body is chunked. Call before send().
  void declare_trailer(std::string_view name);
  /// The value of a declared trailer field, sent after the last chunk (RFC 9112 §7.1.2) when the
  /// body is chunked; nothing otherwise. Call before finish().
  void set_trailer(std::string_view name, std::string_view value);
  /// Sends everything queued; false once a write failed or timed out.
  boost::asio::awaitable<bool> drain();
  /// drain without the wait, for callers that drain after every event: writes what the socket
  /// takes at once and answers as drain would when that was all (or the write failed); nullopt
  /// when the rest must be awaited with drain(), which then waits without writing again first.
  std::optional<bool> drain_now();
  /// True when bytes wait for drain().
  bool has_queued() const { return !out_.empty(); }
  /// The request was HEAD: the head is sent, the body is not.
  void set_head_only(bool v) { head_only_ = v; }
  /// False after a write failed (the client is gone or stopped reading).
  bool ok() const { return ok_; }
  /// True when the client can tell where this response ended (the connection may be reused).
  bool delimited() const { return sent_ && ok_ && (chunked_ || length_known_); }

 private:
  friend class ResponseStream;
  void append(const char* data, std::size_t n);
  /// Queues the head (once) and the buffered body bytes; `last` adds the last chunk.
  bool flush(bool last);
  /// Appends the head to out_ (what flush and send_whole send first).
  void format_head();
  bool body_allowed() const;

  ClientIO& io_;
  ResponseStream& stream_;
  int write_timeout_ms_;
  struct Field {
    std::string name, value;
  };
  std::vector<Field> fields_;  // the first field_count_ are this response's
  std::size_t field_count_ = 0;
  int status_ = 200;
  std::string reason_ = "OK";
  long long content_length_ = -1;
  bool chunked_wanted_ = false, keep_alive_ = true, http10_ = false;
  std::string out_;           // queued bytes: head, chunk framing, body
  std::string pending_;  // body bytes not yet framed into out_
  std::string trailer_names_;   // "a, b": the head's Trailer field
  std::string trailer_fields_;  // "name: value\r\n"…, sent after the last chunk
  bool sent_ = false, head_written_ = false, chunked_ = false, length_known_ = false;
  bool finished_ = false, head_only_ = false, ok_ = true;
  bool must_wait_ = false;  // drain_now wrote what the socket took: drain() awaits the rest
};

}  // namespace llmgw::server

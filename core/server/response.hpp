// The response to one request on a server Connection: Poco's HTTPServerResponse interface, with
// the head formatted by us. Nothing here blocks: what the front-end writes is queued, and
// drain() sends the queue asynchronously, so a whole JSON answer leaves in one write
// (send_whole, its body not copied), a stream's head with its first events, and its last chunk
// with its last events (finish). A client that stops reading is cut off at the write deadline.
#pragma once

#include <Poco/Net/HTTPServerResponse.h>

#include <boost/asio/awaitable.hpp>

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

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

class Response final : public Poco::Net::HTTPServerResponse {
 public:
  /// `write_timeout_ms`: the longest one drain() may take (a client that stops reading).
  Response(ClientIO& io, ResponseStream& stream, int write_timeout_ms)
      : io_(io), stream_(stream), write_timeout_ms_(write_timeout_ms) {}
  ~Response() override;
  /// Makes the object ready for the next request of the connection: 200, no headers, nothing
  /// sent (the header storage keeps its capacity).
  void reset();

  void sendContinue() override;
  std::ostream& send() override;
  void sendFile(const std::string& path, const std::string& media_type) override;
  void sendBuffer(const void* buffer, std::size_t length) override;
  void redirect(const std::string& uri, HTTPStatus status = HTTP_FOUND) override;
  void requireAuthentication(const std::string& realm) override;
  bool sent() const override { return sent_; }

  /// Queues the head and `body` (Content-Length set here), to leave in one write.
  void send_whole(std::string_view body);
  /// Completes a send() body: what is buffered and, when chunked, the last chunk.
  void finish();
  /// Sends everything queued; false once a write failed or timed out.
  boost::asio::awaitable<bool> drain();
  /// True when bytes wait for drain().
  bool has_queued() const { return !out_.empty(); }
  /// Sets any status code, kept as an int: Poco's HTTPStatus enum stops at 511, so a code such
  /// as Anthropic's 529 must never be stored in it (reading it back is undefined behaviour).
  void set_status(int status, std::string_view reason);
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
  void format_head();
  bool body_allowed() const;

  ClientIO& io_;
  ResponseStream& stream_;
  int write_timeout_ms_;
  int status_ = -1;        // set_status's code; -1: Poco's (set through its setters)
  std::string reason_;     // set_status's reason phrase
  std::string head_;          // formatted head (reused)
  std::string out_;           // queued bytes: head, chunk framing, body
  std::string pending_;  // body bytes not yet framed into out_
  bool sent_ = false, head_written_ = false, chunked_ = false, length_known_ = false;
  bool finished_ = false, head_only_ = false, ok_ = true;
};

}  // namespace llmgw::server

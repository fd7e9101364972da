#include "server/request.hpp"

#include <algorithm>
#include <cstring>
#include <streambuf>

#include "util/steady_clock.hpp"

namespace llmgw::server {

/// The body as a std::istream for callers that want one (read_json_body uses read_body).
class Request::BodyBuf final : public std::streambuf {
 public:
  explicit BodyBuf(Request& r) : r_(r) {}

 private:
  int_type underflow() override {
    const long n = r_.read_some(buf_, sizeof buf_);
    if (n <= 0) return traits_type::eof();
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(buf_[0]);
  }
  Request& r_;
  char buf_[8192];
};

Request::Request(ClientIO& io, Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerResponse& response,
                 const Poco::Net::HTTPServerParams::Ptr& params)
    : io_(io), socket_(socket), response_(response), params_(params) {}

Request::~Request() = default;

HeadError Request::parse(std::string_view head, const HeadLimits& limits) {
  clear();
  truncated_ = false;
  if (body_stream_) body_stream_->clear();
  if (HeadError e = parse_request_head(head, head_, limits)) return e;
  setMethod(std::string(head_.method));
  setURI(std::string(head_.target));
  // The version answered with is the one served, never the client's token echoed.
  setVersion(head_.version_minor == 0 ? HTTP_1_0 : HTTP_1_1);
  for (const HeadField& f : head_.fields) add(std::string(f.name), std::string(f.value));
  keep_alive_ = head_.keep_alive;
  expect_continue_ = head_.expect_continue;
  chunked_ = head_.chunked;
  content_length_ = head_.content_length;
  if (chunked_)
    body_.reset(util::BodyDecoder::Mode::Chunked);
  else  // no body framing on a request means no body (RFC 9112 §6.3)
    body_.reset(util::BodyDecoder::Mode::Length, content_length_ > 0 ? content_length_ : 0);
  return {};
}

int Request::body_wait_ms() const { return util::ms_until(body_deadline_ms_); }

long Request::read_some(char* buf, std::size_t cap) {
  for (;;) {
    std::string_view bytes;
    try {
      bytes = body_.available(io_.input());
    } catch (const util::FramingError&) {
      return -1;
    }
    if (!bytes.empty()) {
      const std::size_t n = std::min(cap, bytes.size());
      std::memcpy(buf, bytes.data(), n);
      body_.take(io_.input(), n);
      return static_cast<long>(n);
    }
    if (body_.done()) return truncated_ ? -1 : 0;
    const int wait_ms = body_wait_ms();
    if (wait_ms == 0) return -1;
    switch (io_.fill(wait_ms, false)) {
      case ClientIO::Read::Data: break;
      case ClientIO::Read::Closed: body_.end_of_input(); truncated_ = true; return -1;
      default: return -1;
    }
  }
}

Request::Body Request::read_body(std::string& out, std::size_t max_bytes) {
  out.clear();
  if (content_length_ >= 0 && !chunked_) {
    if (static_cast<unsigned long long>(content_length_) > max_bytes) return Body::TooLarge;
    out.reserve(static_cast<std::size_t>(content_length_));
  }
  for (;;) {
    std::string_view bytes;
    try {
      bytes = body_.available(io_.input());
    } catch (const util::FramingError&) {
      return Body::Error;
    }
    if (!bytes.empty()) {
      if (out.size() + bytes.size() > max_bytes) return Body::TooLarge;
      out.append(bytes);
      body_.take(io_.input(), bytes.size());
      continue;
    }
    if (body_.done()) return Body::Ok;
    const int wait_ms = body_wait_ms();
    if (wait_ms == 0) return Body::Timeout;
    switch (io_.fill(wait_ms, false)) {
      case ClientIO::Read::Data: break;
      case ClientIO::Read::Closed:
        body_.end_of_input();
        return chunked_ ? Body::Error : Body::Truncated;
      case ClientIO::Read::Timeout: return Body::Timeout;
      default: return Body::Error;
    }
  }
}

std::istream& Request::stream() {
  if (!body_stream_) {
    body_buf_ = std::make_unique<BodyBuf>(*this);
    body_stream_ = std::make_unique<std::istream>(body_buf_.get());
  }
  return *body_stream_;
}

const Poco::Net::SocketAddress& Request::clientAddress() const {
  if (!client_) client_ = socket_.peerAddress();
  return *client_;
}

const Poco::Net::SocketAddress& Request::serverAddress() const {
  if (!server_) server_ = socket_.address();
  return *server_;
}

}  // namespace llmgw::server

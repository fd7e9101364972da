#include "server/request.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <streambuf>

namespace llmgw::server {
namespace {

using Poco::Net::MessageException;

// Poco's limits (HTTPRequest / MessageHeader), kept so that what was refused still is.
constexpr std::size_t kMaxMethod = 32, kMaxUri = 16384, kMaxVersion = 8;
constexpr std::size_t kMaxName = 256, kMaxValue = 8192, kMaxFields = 100;

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

/// The next whitespace-delimited word of the request line, at most `max` characters.
std::string_view word(std::string_view line, std::size_t& pos, std::size_t max, const char* error) {
  while (pos < line.size() && space(line[pos])) ++pos;
  const std::size_t start = pos;
  while (pos < line.size() && !space(line[pos])) ++pos;
  if (pos == start || pos - start > max) throw MessageException(error);
  return line.substr(start, pos - start);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;  // letters, digits and '-' only in `b`
  return true;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

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
                 const Poco::Net::HTTPServerParams::Ptr& params, int read_timeout_ms)
    : io_(io), socket_(socket), response_(response), params_(params), read_timeout_ms_(read_timeout_ms) {}

Request::~Request() = default;

void Request::parse(std::string_view head) {
  clear();
  truncated_ = false;
  if (body_stream_) body_stream_->clear();
  std::size_t pos = 0;
  while (pos < head.size() && space(head[pos])) ++pos;  // Poco skips blank lines before a request
  std::size_t eol = head.find('\n', pos);
  std::string_view line = head.substr(0, eol);
  const std::string_view method = word(line, pos, kMaxMethod, "HTTP request method invalid or too long");
  const std::string_view uri = word(line, pos, kMaxUri, "HTTP request URI invalid or too long");
  const std::string_view version = word(line, pos, kMaxVersion, "Invalid HTTP version string");
  setMethod(std::string(method));
  setURI(std::string(uri));
  setVersion(std::string(version));

  std::size_t fields = 0;
  std::string folded;
  std::string_view connection, transfer_encoding, expect, length;
  bool seen_connection = false, seen_te = false, seen_expect = false, seen_length = false;
  bool folded_framing = false;  // one of those was folded: ask Poco (rare)
  for (pos = eol + 1; pos < head.size();) {
    eol = head.find('\n', pos);
    if (eol == std::string_view::npos) eol = head.size();
    line = head.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line == "\r") break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (line.size() >= kMaxName) throw MessageException("Field name too long/no colon found");
      continue;  // Poco ignores a line without a colon
    }
    if (colon >= kMaxName) throw MessageException("Field name too long/no colon found");
    if (++fields > kMaxFields) throw MessageException("Too many header fields");
    const std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && space(value.front())) value.remove_prefix(1);
    value = trim_right(value);
    // Obsolete line folding: continuation lines are appended as they are (as Poco does).
    folded.clear();
    while (pos < head.size() && (head[pos] == ' ' || head[pos] == '\t')) {
      if (folded.empty()) folded.assign(value);
      eol = head.find('\n', pos);
      if (eol == std::string_view::npos) eol = head.size();
      folded += trim_right(head.substr(pos, eol - pos));
      pos = eol + 1;
    }
    if (value.size() >= kMaxValue || folded.size() >= kMaxValue) throw MessageException("Field value too long/no CRLF found");
    add(std::string(name), folded.empty() ? std::string(value) : folded);
    // The first of each, as Poco's get() would return it.
    auto note = [&](std::string_view key, std::string_view& slot, bool& seen) {
      if (seen || !iequals(name, key)) return;
      seen = true;
      slot = value;
      folded_framing = folded_framing || !folded.empty();
    };
    switch (name.size()) {
      case 6: note("expect", expect, seen_expect); break;
      case 10: note("connection", connection, seen_connection); break;
      case 14: note("content-length", length, seen_length); break;
      case 17: note("transfer-encoding", transfer_encoding, seen_te); break;
      default: break;
    }
  }

  keep_alive_ = seen_connection ? !iequals(connection, "close") : version == "HTTP/1.1";
  expect_continue_ = iequals(expect, "100-continue");
  chunked_ = iequals(transfer_encoding, "chunked");
  content_length_ = -1;
  if (folded_framing) {
    keep_alive_ = getKeepAlive();
    expect_continue_ = getExpectContinue();
    chunked_ = getChunkedTransferEncoding();
    if (hasContentLength()) content_length_ = getContentLength64();
  } else if (seen_length) {
    long long n = -1;
    auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), n);
    if (ec != std::errc() || end != length.data() + length.size() || n < 0)
      throw Poco::SyntaxException("Invalid Content-Length", std::string(length));
    content_length_ = n;
  }
  if (chunked_)
    body_.reset(util::BodyDecoder::Mode::Chunked);
  else  // no body framing on a request means no body (RFC 9112 §6.3)
    body_.reset(util::BodyDecoder::Mode::Length, content_length_ > 0 ? content_length_ : 0);
}

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
    switch (io_.fill(read_timeout_ms_, false)) {
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
    switch (io_.fill(read_timeout_ms_, false)) {
      case ClientIO::Read::Data: break;
      case ClientIO::Read::Closed:
        body_.end_of_input();
        return chunked_ ? Body::Error : Body::Truncated;
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

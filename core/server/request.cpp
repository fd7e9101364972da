#include "server/request.hpp"

#include "canonical/clock.hpp"

namespace llmgw::server {

HeadError Request::parse(std::string_view head, const HeadLimits& limits) {
  if (HeadError e = parse_request_head(head, head_, limits)) return e;
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

namespace {

/// What the body's bytes buffered so far settle: appended to `out`; nullopt when more must be read.
std::optional<Request::Body> take_buffered_body(util::BodyDecoder& body, ClientIO& io, std::string& out,
                                                std::size_t max_bytes) {
  for (;;) {
    std::string_view bytes;
    try {
      bytes = body.available(io.input());
    } catch (const util::FramingError&) {
      return Request::Body::Error;
    }
    if (!bytes.empty()) {
      if (out.size() + bytes.size() > max_bytes) return Request::Body::TooLarge;
      out.append(bytes);
      body.take(io.input(), bytes.size());
      continue;
    }
    if (body.done()) {
      io.set_deadline(0);
      return Request::Body::Ok;
    }
    return std::nullopt;
  }
}

}  // namespace

std::optional<Request::Body> Request::read_body_now(std::string& out, std::size_t max_bytes) {
  out.clear();
  if (content_length_ >= 0 && !chunked_) {
    if (static_cast<unsigned long long>(content_length_) > max_bytes) return Body::TooLarge;
    out.reserve(static_cast<std::size_t>(content_length_));
  }
  io_.set_deadline(body_deadline_ms_);
  return take_buffered_body(body_, io_, out, max_bytes);
}

boost::asio::awaitable<Request::Body> Request::read_body_rest(std::string& out, std::size_t max_bytes) {
  for (;;) {
    const ClientIO::Read got = co_await io_.fill();
    switch (got) {
      case ClientIO::Read::Data: break;
      case ClientIO::Read::Closed:
        body_.end_of_input();
        co_return chunked_ ? Body::Error : Body::Truncated;
      case ClientIO::Read::Timeout: co_return Body::Timeout;
      default: co_return Body::Error;
    }
    const std::optional<Body> settled = take_buffered_body(body_, io_, out, max_bytes);
    if (settled) co_return *settled;
  }
}

boost::asio::awaitable<Request::Body> Request::read_body(std::string& out, std::size_t max_bytes) {
  const std::optional<Body> now = read_body_now(out, max_bytes);
  if (now) co_return *now;
  const Body rest = co_await read_body_rest(out, max_bytes);
  co_return rest;
}

}  // namespace llmgw::server

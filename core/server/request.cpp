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

boost::asio::awaitable<Request::Body> Request::read_body(std::string& out, std::size_t max_bytes) {
  out.clear();
  if (content_length_ >= 0 && !chunked_) {
    if (static_cast<unsigned long long>(content_length_) > max_bytes) co_return Body::TooLarge;
    out.reserve(static_cast<std::size_t>(content_length_));
  }
  io_.set_deadline(body_deadline_ms_);
  for (;;) {
    std::string_view bytes;
    try {
      bytes = body_.available(io_.input());
    } catch (const util::FramingError&) {
      co_return Body::Error;
    }
    if (!bytes.empty()) {
      if (out.size() + bytes.size() > max_bytes) co_return Body::TooLarge;
      out.append(bytes);
      body_.take(io_.input(), bytes.size());
      continue;
    }
    if (body_.done()) {
      io_.set_deadline(0);
      co_return Body::Ok;
    }
    const ClientIO::Read got = co_await io_.fill();
    switch (got) {
      case ClientIO::Read::Data: break;
      case ClientIO::Read::Closed:
        body_.end_of_input();
        co_return chunked_ ? Body::Error : Body::Truncated;
      case ClientIO::Read::Timeout: co_return Body::Timeout;
      default: co_return Body::Error;
    }
  }
}

}  // namespace llmgw::server

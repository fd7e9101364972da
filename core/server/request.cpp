#include "server/request.hpp"

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "canonical/clock.hpp"

namespace llmgw::server {
namespace {

Poco::Net::SocketAddress to_poco(const boost::asio::ip::tcp::endpoint& e) {
  return Poco::Net::SocketAddress(e.address().to_string(), e.port());
}

}  // namespace

Request::Request(ClientIO& io, Poco::Net::HTTPServerResponse& response) : io_(io), response_(response) {}

Request::~Request() = default;

HeadError Request::parse(std::string_view head, const HeadLimits& limits) {
  clear();
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

std::istream& Request::stream() {
  if (!empty_stream_) empty_stream_ = std::make_unique<std::istringstream>();
  return *empty_stream_;
}

const Poco::Net::SocketAddress& Request::clientAddress() const {
  if (!client_) {
    boost::system::error_code ec;
    const auto e = io_.socket().remote_endpoint(ec);
    client_ = ec ? Poco::Net::SocketAddress() : to_poco(e);
  }
  return *client_;
}

const Poco::Net::SocketAddress& Request::serverAddress() const {
  if (!server_) {
    boost::system::error_code ec;
    const auto e = io_.socket().local_endpoint(ec);
    server_ = ec ? Poco::Net::SocketAddress() : to_poco(e);
  }
  return *server_;
}

const Poco::Net::HTTPServerParams& Request::serverParams() const {
  static const Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
  return *params;
}

}  // namespace llmgw::server

#include "upstream/exchange.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace llmgw::upstream {
namespace {

Poco::Timespan ms(int v) { return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(v) * 1000); }

/// True for failures that mean "a reused keep-alive connection was already closed by the peer".
bool stale_connection(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Net::NoMessageException*>(&e) ||
         dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) ||
         dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e);
}

[[noreturn]] void rethrow_as_transport(const Poco::Exception& e, bool connecting) {
  if (dynamic_cast<const Poco::TimeoutException*>(&e))
    throw TransportError(connecting ? TransportFailure::ConnectTimeout : TransportFailure::ReadTimeout,
                         connecting ? "upstream connect timed out" : "upstream did not answer in time");
  if (connecting || dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&e) ||
      dynamic_cast<const Poco::Net::HostNotFoundException*>(&e) ||
      dynamic_cast<const Poco::Net::NoAddressFoundException*>(&e))
    throw TransportError(TransportFailure::Unreachable, "upstream unreachable: " + e.displayText());
  throw TransportError(TransportFailure::Reset, "upstream connection failed: " + e.displayText());
}

}  // namespace

Exchange::~Exchange() { abort(); }

void Exchange::start(const OutgoingRequest& request) {
  url_ = request.url;
  Poco::Net::HTTPRequest req(std::string(request.method), request.url->path_query,
                             Poco::Net::HTTPMessage::HTTP_1_1);
  req.setContentLength(static_cast<std::streamsize>(request.body.size()));
  req.setKeepAlive(true);
  if (request.headers)
    for (std::size_t i = 0; i < request.header_count && i < request.headers->size(); ++i)
      req.add((*request.headers)[i].first, (*request.headers)[i].second);

  for (int attempt = 0;; ++attempt) {
    if (!conn_) conn_ = pool_.acquire(*request.url);
    bool fresh = false;
    try {
      fresh = conn_->prepare(ms(request.connect_timeout_ms));
    } catch (const Poco::Exception& e) {
      conn_.reset();
      rethrow_as_transport(e, true);
    }
    try {
      auto& http = conn_->http();
      conn_->set_receive_timeout(ms(request.first_byte_timeout_ms));
      std::ostream& os = http.sendRequest(req);
      os.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
      body_ = &http.receiveResponse(response_);
      body_->exceptions(std::ios::badbit);
      eof_ = false;
      remaining_ = response_.getChunkedTransferEncoding() ? -1 : response_.getContentLength64();
      if (remaining_ == Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH) remaining_ = -1;
      return;
    } catch (const Poco::Exception& e) {
      conn_.reset();
      body_ = nullptr;
      // A pooled connection the upstream closed while idle: one retry on a new connection.
      // Safe: the upstream closed before it read the request, so it never processed it.
      if (!fresh && attempt == 0 && stale_connection(e)) {
        response_.clear();
        continue;
      }
      rethrow_as_transport(e, false);
    } catch (const std::ios::failure&) {
      conn_.reset();
      throw TransportError(TransportFailure::Reset, "upstream connection failed while sending");
    }
  }
}

void Exchange::read_all(std::string& out, int read_timeout_ms) {
  out.clear();
  try {
    conn_->set_receive_timeout(ms(read_timeout_ms));
    Poco::StreamCopier::copyToString(*body_, out);
  } catch (const Poco::Exception& e) {
    abort();
    rethrow_as_transport(e, false);
  } catch (const std::ios::failure&) {
    abort();
    throw TransportError(TransportFailure::Reset, "upstream closed the connection mid-response");
  }
}

std::size_t Exchange::read_some(char* buf, std::size_t cap, int idle_timeout_ms,
                                Poco::Net::StreamSocket* client) {
  if (eof_ || remaining_ == 0 || !body_) {
    eof_ = true;
    return 0;
  }
  try {
    auto& socket = conn_->http().socket();
    bool have_bytes = body_->rdbuf()->in_avail() > 0 || conn_->buffered() > 0 ||
                      (conn_->http().secure() && socket.available() > 0);
    while (!have_bytes) {
      pollfd fds[2] = {{socket.impl()->sockfd(), POLLIN, 0}, {-1, POLLIN, 0}};
      if (client) fds[1].fd = client->impl()->sockfd();
      int rc = ::poll(fds, client ? 2 : 1, idle_timeout_ms);
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) throw TransportError(TransportFailure::ReadTimeout, "upstream stream stalled");
      if (client && fds[1].revents) {
        char c;
        ssize_t n = ::recv(fds[1].fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ||
            (fds[1].revents & (POLLHUP | POLLERR)))
          throw TransportError(TransportFailure::ClientGone, "client disconnected");
        client = nullptr;  // the client sent more bytes (pipelining): stop watching it
      }
      if (fds[0].revents) have_bytes = true;
    }
    body_->read(buf, 1);
    if (body_->gcount() == 0) {
      eof_ = true;
      return 0;
    }
    std::size_t n = 1;
    // Take what is already decoded, without ever waiting for more.
    while (n < cap) {
      std::streamsize avail = body_->rdbuf()->in_avail();
      if (avail <= 0) break;
      body_->read(buf + n, std::min<std::streamsize>(avail, static_cast<std::streamsize>(cap - n)));
      n += static_cast<std::size_t>(body_->gcount());
    }
    if (remaining_ > 0) remaining_ -= static_cast<long long>(n);
    return n;
  } catch (const TransportError&) {
    abort();
    throw;
  } catch (const Poco::Exception& e) {
    abort();
    rethrow_as_transport(e, false);
  } catch (const std::ios::failure&) {
    abort();
    throw TransportError(TransportFailure::Reset, "upstream closed the connection mid-stream");
  }
}

bool Exchange::has_buffered() const {
  if (!conn_ || !body_ || eof_) return false;
  // A chunked body leaves the CRLF that ends a chunk in the session buffer until the next
  // chunk header is read, so a few buffered bytes do not mean more data has arrived; 8 bytes
  // are more than that CRLF plus any chunk-size line short of a megabyte.
  return body_->rdbuf()->in_avail() > 0 || conn_->buffered() >= 8;
}

void Exchange::finish() {
  if (conn_ && body_ && !response_.getKeepAlive()) conn_.reset();
  if (conn_) pool_.release(*url_, std::move(conn_));
  body_ = nullptr;
}

void Exchange::abort() {
  if (conn_) {
    try {
      conn_->http().abort();
    } catch (...) {
    }
    conn_.reset();
  }
  body_ = nullptr;
}

}  // namespace llmgw::upstream

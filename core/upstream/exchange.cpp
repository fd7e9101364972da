#include "upstream/exchange.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "util/shrink.hpp"
#include "util/steady_clock.hpp"

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

bool is_host(std::string_view name) {
  return name.size() == 4 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 'o' && (name[2] | 0x20) == 's' &&
         (name[3] | 0x20) == 't';
}

void append_number(std::string& out, long long v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, end);
}

/// The request head (as Poco wrote it: Content-Length, Connection, the provider's headers, Host
/// unless the provider set one), followed by the body when it is small enough to copy.
void build_request(const OutgoingRequest& r, std::string& out, bool with_body) {
  out.clear();
  out.reserve(512 + (with_body ? r.body.size() : 0));
  out.append(r.method).append(" ").append(r.url->path_query).append(" HTTP/1.1\r\nContent-Length: ");
  append_number(out, static_cast<long long>(r.body.size()));
  out.append("\r\nConnection: Keep-Alive\r\n");
  bool has_host = false;
  if (r.headers)
    for (std::size_t i = 0; i < r.header_count && i < r.headers->size(); ++i) {
      const auto& [name, value] = (*r.headers)[i];
      has_host = has_host || is_host(name);
      out.append(name).append(": ").append(value).append("\r\n");
    }
  if (!has_host) {
    const Url& u = *r.url;
    out.append("Host: ");
    if (u.host.find(':') != std::string::npos) out.append("[").append(u.host).append("]");
    else out.append(u.host);
    if (u.port != 80 && u.port != 443) {
      out.push_back(':');
      append_number(out, u.port);
    }
    out.append("\r\n");
  }
  out.append("\r\n");
  if (with_body) out.append(r.body);
}

constexpr std::size_t kCopyBodyMax = 256 * 1024;  // larger bodies leave in a second write
constexpr std::size_t kMaxHead = 256 * 1024;
constexpr int kMaxInterim = 16;  // 1xx answers before the final one

/// Throws the timeout of a deadline that has passed; otherwise the time left for one wait.
Poco::Timespan wait_until(int64_t deadline_ms, const char* what) {
  const int left = util::ms_until(deadline_ms);
  if (left == 0) throw Poco::TimeoutException(what);
  return ms(left);
}

}  // namespace

Exchange::~Exchange() { abort(); }

void Exchange::start(const OutgoingRequest& request) {
  url_ = request.url;
  thread_local std::string wire;
  const bool with_body = request.body.size() <= kCopyBodyMax;
  build_request(request, wire, with_body);
  for (int attempt = 0;; ++attempt) {
    if (!conn_) conn_ = pool_.acquire(*request.url);
    bool fresh = false;
    try {
      fresh = conn_->prepare(ms(std::min(request.connect_timeout_ms, std::max(1, util::ms_until(request.head_deadline_ms)))));
    } catch (const Poco::Exception& e) {
      conn_.reset();
      rethrow_as_transport(e, true);
    }
    try {
      // The send shares the head's deadline: an upstream that stops reading cannot hold it.
      conn_->set_send_timeout(wait_until(request.head_deadline_ms, "upstream did not take the request in time"));
      conn_->send_all(wire);
      if (!with_body) conn_->send_all(request.body);
      read_head(request.method == "HEAD", request.head_deadline_ms);
      util::shrink_after_peak(wire);
      return;
    } catch (const Poco::Exception& e) {
      const bool nothing_left = conn_->sent_bytes() == 0;
      conn_.reset();
      reading_ = false;
      // A reused connection whose very first write failed: not one byte of the request left,
      // so it is sent again on a new connection. Anything later (the upstream closed after
      // taking some or all of the request) may have been processed, and is not repeated here.
      if (!fresh && attempt == 0 && nothing_left && stale_connection(e)) continue;
      rethrow_as_transport(e, false);
    }
  }
}

void Exchange::read_head(bool head_request, int64_t deadline_ms) {
  for (int interim = 0;; ++interim) {
    if (interim > kMaxInterim) throw Poco::Net::MessageException("upstream sent too many interim (1xx) responses");
    std::size_t end;
    while ((end = util::find_head_end(std::string_view(conn_->data(), conn_->size()))) == 0) {
      if (conn_->size() > kMaxHead) throw Poco::Net::MessageException("upstream response header too large");
      const bool nothing_yet = conn_->size() == 0;
      conn_->set_receive_timeout(wait_until(deadline_ms, "upstream did not answer in time"));
      if (conn_->fill() == 0) {
        if (nothing_yet) throw Poco::Net::NoMessageException();
        throw Poco::Net::MessageException("upstream closed the connection in the response header");
      }
    }
    ResponseHead head = parse_response_head(std::string_view(conn_->data(), end), headers_);
    conn_->consume(end);
    status_ = head.status;
    if (status_ >= 100 && status_ < 200 && status_ != 101) continue;  // interim answer
    keep_alive_ = head.keep_alive;
    reading_ = true;
    if (head_request || status_ < 200 || status_ == 204 || status_ == 304)
      body_.reset(util::BodyDecoder::Mode::Length, 0);
    else if (head.chunked)
      body_.reset(util::BodyDecoder::Mode::Chunked);
    else if (head.content_length >= 0)
      body_.reset(util::BodyDecoder::Mode::Length, head.content_length);
    else
      body_.reset(util::BodyDecoder::Mode::UntilClose);
    return;
  }
}

bool Exchange::fill_body() {
  if (conn_->fill() > 0) return true;
  // The upstream closed: the end of an until-close body; otherwise a truncated body (the
  // provider sees what arrived). Either way the connection cannot be reused.
  keep_alive_ = false;
  body_.end_of_input();
  return false;
}

void Exchange::read_all(std::string& out, int64_t deadline_ms, std::size_t max_bytes) {
  out.clear();
  try {
    for (;;) {
      std::string_view bytes = body_.available(conn_->input());
      if (!bytes.empty()) {
        if (out.size() + bytes.size() > max_bytes)
          throw TransportError(TransportFailure::TooLarge, "upstream response is larger than the limit of " +
                                                               std::to_string(max_bytes) + " bytes");
        out.append(bytes);
        body_.take(conn_->input(), bytes.size());
        continue;
      }
      if (body_.done()) return;
      conn_->set_receive_timeout(wait_until(deadline_ms, "upstream did not send its whole answer in time"));
      if (!fill_body()) return;
    }
  } catch (const TransportError&) {
    abort();
    throw;
  } catch (const Poco::Exception& e) {
    abort();
    rethrow_as_transport(e, false);
  } catch (const util::FramingError& e) {
    abort();
    throw TransportError(TransportFailure::Reset, std::string("upstream connection failed: ") + e.what());
  }
}

std::size_t Exchange::read_some(char* buf, std::size_t cap, int idle_timeout_ms, int64_t deadline_ms,
                                Poco::Net::StreamSocket* client) {
  if (!conn_ || !reading_) return 0;
  try {
    for (;;) {
      // Everything already here, across chunk boundaries, without waiting for more.
      std::size_t n = 0;
      for (std::string_view bytes; n < cap && !(bytes = body_.available(conn_->input())).empty();) {
        const std::size_t take = std::min(cap - n, bytes.size());
        std::memcpy(buf + n, bytes.data(), take);
        body_.take(conn_->input(), take);
        n += take;
      }
      if (n > 0) return n;
      if (body_.done()) return 0;
      // The attempt's deadline holds even for an upstream that never stops sending.
      const int left = util::ms_until(deadline_ms);
      if (left == 0) throw TransportError(TransportFailure::ReadTimeout, "upstream stream ran past the attempt's timeout");
      const int wait_ms = std::min(idle_timeout_ms, left);
      while (!conn_->tls_pending()) {
        pollfd fds[2] = {{conn_->fd(), POLLIN, 0}, {-1, POLLIN, 0}};
        if (client) fds[1].fd = client->impl()->sockfd();
        int rc = ::poll(fds, client ? 2 : 1, wait_ms);
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
        if (fds[0].revents) break;
      }
      // A TLS record may arrive in pieces: the read blocks no longer than this wait.
      conn_->set_receive_timeout(ms(wait_ms));
      if (!fill_body()) return 0;
    }
  } catch (const TransportError&) {
    abort();
    throw;
  } catch (const Poco::Exception& e) {
    abort();
    rethrow_as_transport(e, false);
  } catch (const util::FramingError& e) {
    abort();
    throw TransportError(TransportFailure::Reset, std::string("upstream connection failed: ") + e.what());
  }
}

bool Exchange::has_buffered() {
  if (!conn_ || !reading_) return false;
  try {
    return !body_.available(conn_->input()).empty();
  } catch (const util::FramingError&) {
    return true;  // let read_some report it
  }
}

void Exchange::finish() {
  if (conn_ && reading_ && keep_alive_ && body_.done() && conn_->size() == 0) {
    conn_->mark_idle();
    pool_.release(*url_, std::move(conn_));
  }
  abort();
}

void Exchange::abort() {
  conn_.reset();  // closes the socket
  reading_ = false;
}

}  // namespace llmgw::upstream

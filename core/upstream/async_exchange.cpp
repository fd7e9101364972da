#include "upstream/async_exchange.hpp"

#include <Poco/Exception.h>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <cstring>

#include "upstream/request_head.hpp"
#include "util/shrink.hpp"
#include "canonical/clock.hpp"

namespace llmgw::upstream {
namespace {

constexpr std::size_t kCopyBodyMax = 256 * 1024;  // larger bodies are not copied (second buffer)
constexpr std::size_t kMaxHead = 256 * 1024;
constexpr int kMaxInterim = 16;  // 1xx answers before the final one

/// A socket failure while sending the request or reading the head: start() decides whether
/// the request may go again.
struct IoFailure {
  error_code ec;
  const char* timeout_what;
};

/// Failures that mean "a reused keep-alive connection was already closed by the peer".
bool stale_connection(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::connection_aborted ||
         ec == asio::error::broken_pipe;
}

[[noreturn]] void reset(const std::string& what) {
  throw TransportError(TransportFailure::Reset, "upstream connection failed: " + what);
}

}  // namespace

AsyncExchange::~AsyncExchange() { abort(); }

void AsyncExchange::fail(const error_code& ec, bool connecting, const char* timeout_what) const {
  // As Exchange's rethrow_as_transport, from error codes instead of Poco exceptions.
  if (client_gone_) throw TransportError(TransportFailure::ClientGone, "client disconnected");
  if (ec == asio::error::timed_out)
    throw TransportError(connecting ? TransportFailure::ConnectTimeout : TransportFailure::ReadTimeout,
                         connecting ? "upstream connect timed out" : timeout_what);
  if (connecting || ec == asio::error::connection_refused || ec == asio::error::host_not_found ||
      ec == asio::error::host_not_found_try_again || ec == asio::error::no_data || ec == asio::error::not_found)
    throw TransportError(TransportFailure::Unreachable, "upstream unreachable: " + ec.message());
  reset(ec == asio::error::eof ? std::string("the upstream closed the connection without answering") : ec.message());
}

asio::awaitable<void> AsyncExchange::start(const AsyncRequest& request) {
  if (reading_) abort();  // an earlier response not read to the end
  url_ = request.url;
  status_ = 0;
  const bool with_body = request.body.size() <= kCopyBodyMax;
  build_request_head(wire_, request.method, *request.url, request.headers, request.header_count, request.body.size(),
                     with_body ? request.body.size() : 0);
  if (with_body) wire_.append(request.body);
  // Head and small body in one buffer (one write); a large body follows in the same call.
  const std::array<asio::const_buffer, 2> out{asio::buffer(wire_),
                                              with_body ? asio::const_buffer() : asio::buffer(request.body)};
  for (int attempt = 0;; ++attempt) {
    if (client_gone_) fail({}, false, "");
    if (!conn_) conn_ = pool_.acquire(*request.url);
    bool fresh = false;
    const int64_t now = canonical::steady_ms();  // one reading for the connect deadline and the pool check
    const int connect_ms =
        std::min(request.connect_timeout_ms, std::max(1, canonical::ms_until(request.head_deadline_ms, now)));
    const error_code prepared = co_await conn_->prepare(now + connect_ms, fresh, now);
    if (prepared) {
      conn_.reset();
      fail(prepared, true, "");
    }
    bool retry = false;
    try {
      // The send shares the head's deadline: an upstream that stops reading cannot hold it.
      const char* send_late = "upstream did not take the request in time";
      if (canonical::ms_until(request.head_deadline_ms) == 0) throw IoFailure{asio::error::timed_out, send_late};
      const error_code sent = co_await conn_->send_all(out, request.head_deadline_ms);
      if (sent) throw IoFailure{sent, send_late};
      co_await read_head(request.method == "HEAD", request.head_deadline_ms);
      util::shrink_after_peak(wire_);
      co_return;
    } catch (const IoFailure& f) {
      const bool nothing_left = conn_->sent_bytes() == 0;
      conn_.reset();
      reading_ = false;
      // A reused connection whose very first write failed: not one byte of the request left,
      // so it is sent again on a new connection. Anything later (the upstream closed after
      // taking some or all of the request) may have been processed, and is not repeated here.
      retry = !fresh && attempt == 0 && nothing_left && !client_gone_ && stale_connection(f.ec);
      if (!retry) fail(f.ec, false, f.timeout_what);
    } catch (const Poco::Exception& e) {  // a malformed head (parse_response_head)
      conn_.reset();
      reading_ = false;
      reset(e.displayText());
    } catch (const TransportError&) {
      conn_.reset();
      reading_ = false;
      throw;
    }
  }
}

asio::awaitable<void> AsyncExchange::read_head(bool head_request, int64_t deadline_ms) {
  const char* late = "upstream did not answer in time";
  for (int interim = 0;; ++interim) {
    if (interim > kMaxInterim) reset("upstream sent too many interim (1xx) responses");
    std::size_t end;
    while ((end = util::find_head_end(std::string_view(conn_->data(), conn_->size()))) == 0) {
      if (conn_->size() > kMaxHead) reset("upstream response header too large");
      const bool nothing_yet = conn_->size() == 0;
      if (canonical::ms_until(deadline_ms) == 0) throw IoFailure{asio::error::timed_out, late};
      error_code ec;
      const std::size_t n = co_await conn_->fill(deadline_ms, ec);
      if (ec) throw IoFailure{ec, late};
      if (n == 0) {
        if (nothing_yet) throw IoFailure{asio::error::eof, late};
        reset("upstream closed the connection in the response header");
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
    co_return;
  }
}

asio::awaitable<bool> AsyncExchange::fill_body(int64_t deadline_ms, const char* timeout_what) {
  error_code ec;
  const std::size_t n = co_await conn_->fill(deadline_ms, ec);
  if (ec) fail(ec, false, timeout_what);
  if (n > 0) co_return true;
  // The upstream closed: the end of an until-close body; otherwise a truncated body (the
  // provider sees what arrived). Either way the connection cannot be reused.
  keep_alive_ = false;
  body_.end_of_input();
  co_return false;
}

asio::awaitable<void> AsyncExchange::read_all(std::string& out, int64_t deadline_ms, std::size_t max_bytes) {
  out.clear();
  if (client_gone_) {
    abort();
    fail({}, false, "");
  }
  if (!conn_ || !reading_) co_return;
  const char* late = "upstream did not send its whole answer in time";
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
      if (body_.done()) co_return;
      if (canonical::ms_until(deadline_ms) == 0) fail(asio::error::timed_out, false, late);
      const bool more = co_await fill_body(deadline_ms, late);
      if (!more) co_return;
    }
  } catch (const TransportError&) {
    abort();
    throw;
  } catch (const util::FramingError& e) {
    abort();
    reset(e.what());
  }
}

asio::awaitable<std::size_t> AsyncExchange::read_some(char* buf, std::size_t cap, int idle_ms, int64_t deadline_ms) {
  if (client_gone_) {
    abort();
    fail({}, false, "");
  }
  if (!conn_ || !reading_) co_return 0;
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
      if (n > 0) co_return n;
      if (body_.done()) co_return 0;
      // The attempt's deadline holds even for an upstream that never stops sending. One reading
      // of the clock for both deadlines.
      const int64_t now = canonical::steady_ms();
      const int left = canonical::ms_until(deadline_ms, now);
      if (left == 0) fail(asio::error::timed_out, false, "upstream stream ran past the attempt's timeout");
      const int wait_ms = std::max(0, std::min(idle_ms, left));
      const bool more = co_await fill_body(now + wait_ms, "upstream stream stalled");
      if (!more) co_return 0;
    }
  } catch (const TransportError&) {
    abort();
    throw;
  } catch (const util::FramingError& e) {
    abort();
    reset(e.what());
  }
}

asio::awaitable<std::string_view> AsyncExchange::read_view(int idle_ms, int64_t deadline_ms) {
  if (client_gone_) {
    abort();
    fail({}, false, "");
  }
  if (!conn_ || !reading_) co_return std::string_view{};
  try {
    for (;;) {
      // Taking the bytes only moves the buffer's read position: they stay where they are
      // until the next fill.
      const std::string_view bytes = body_.available(conn_->input());
      if (!bytes.empty()) {
        body_.take(conn_->input(), bytes.size());
        co_return bytes;
      }
      if (body_.done()) co_return std::string_view{};
      // The attempt's deadline holds even for an upstream that never stops sending. One reading
      // of the clock for both deadlines.
      const int64_t now = canonical::steady_ms();
      const int left = canonical::ms_until(deadline_ms, now);
      if (left == 0) fail(asio::error::timed_out, false, "upstream stream ran past the attempt's timeout");
      const int wait_ms = std::max(0, std::min(idle_ms, left));
      const bool more = co_await fill_body(now + wait_ms, "upstream stream stalled");
      if (!more) co_return std::string_view{};
    }
  } catch (const TransportError&) {
    abort();
    throw;
  } catch (const util::FramingError& e) {
    abort();
    reset(e.what());
  }
}

std::string_view AsyncExchange::take_buffered() {
  if (client_gone_ || !conn_ || !reading_) return {};
  try {
    const std::string_view bytes = body_.available(conn_->input());
    if (!bytes.empty()) body_.take(conn_->input(), bytes.size());
    return bytes;
  } catch (const util::FramingError&) {
    return {};  // read_view meets it again and reports it
  }
}

bool AsyncExchange::has_buffered() {
  if (!conn_ || !reading_) return false;
  try {
    return !body_.available(conn_->input()).empty();
  } catch (const util::FramingError&) {
    return true;  // let read_some report it
  }
}

void AsyncExchange::finish() {
  if (conn_ && reading_ && keep_alive_ && body_.done() && conn_->size() == 0) {
    conn_->mark_idle();
    pool_.release(*url_, std::move(conn_));
  }
  abort();
}

void AsyncExchange::abort() {
  conn_.reset();  // closes the socket
  reading_ = false;
}

void AsyncExchange::cancel_for_client_gone() {
  client_gone_ = true;
  if (conn_) conn_->close();  // a pending operation ends now; the coroutine waiting on it throws
}

}  // namespace llmgw::upstream

#include "server/connection.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>

#include <algorithm>
#include <ctime>
#include <exception>
#include <string>

#include "server/request.hpp"
#include "server/response.hpp"
#include "server/send.hpp"
#include "canonical/clock.hpp"

namespace llmgw::server {
namespace {

/// The Date header value, formatted once per second per loop thread.
const std::string& http_date() {
  thread_local std::time_t at = 0;
  thread_local std::string value;
  std::time_t now = std::time(nullptr);
  if (now != at) {
    at = now;
    value = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now), Poco::DateTimeFormat::HTTP_FORMAT);
  }
  return value;
}

enum class Wait { Head, Closed, TooLarge, TimedOut, Failed };

/// Reads until a whole request head is buffered; its length in `head_size`. Before the first
/// byte the wait is the keep-alive idle timeout or, for a connection's first request, the head
/// deadline itself; any byte (blank lines included) starts the head deadline, and no silence
/// may last longer than the read timeout. With Wait::Head, `now_ms` is canonical::steady_ms()
/// as read in the loop turn that found the head's end (the body deadline starts there).
boost::asio::awaitable<Wait> read_head(ClientIO& io, HeadScanner& scanner, const ConnectionLimits& limits,
                                       bool first, const std::atomic<bool>& stopping, std::size_t& head_size,
                                       int64_t& now_ms) {
  int64_t deadline = first ? canonical::steady_ms() + limits.head_timeout_ms : 0;  // 0: not started
  bool got_bytes = false;  // a connection that never sent a byte is closed without an answer
  scanner.reset();
  for (;;) {
    util::ReadBuffer& in = io.input();
    got_bytes = got_bytes || in.size() > 0;
    int64_t read_now = -1;  // the clock as read since the last suspension (-1: not yet)
    if (deadline == 0 && in.size() > 0) {
      read_now = canonical::steady_ms();
      deadline = read_now + limits.head_timeout_ms;
    }
    std::size_t lead = 0;  // blank lines before a request are skipped (RFC 9112 §2.2)
    while (lead < in.size() && (in.data()[lead] == '\r' || in.data()[lead] == '\n')) ++lead;
    if (lead > 0) {
      in.consume(lead);
      scanner.reset();
    }
    if (in.size() > 0) {
      if ((head_size = scanner.find_end(in.view())) > 0) {
        now_ms = read_now >= 0 ? read_now : canonical::steady_ms();
        co_return Wait::Head;
      }
      if (in.size() > limits.head.max_head) co_return Wait::TooLarge;
    }
    if (deadline == 0 && stopping.load(std::memory_order_relaxed)) co_return Wait::Closed;
    const int64_t now = canonical::steady_ms();
    io.set_deadline(deadline ? std::min(deadline, now + limits.read_timeout_ms) : now + limits.idle_timeout_ms);
    // A new client's request usually came with its connection: read it at once.
    const ClientIO::Read r = co_await io.fill(first && !got_bytes);
    if (r == ClientIO::Read::Data) continue;
    if (r == ClientIO::Read::Closed) co_return in.size() > 0 ? Wait::Failed : Wait::Closed;
    if (r != ClientIO::Read::Timeout) co_return Wait::Failed;
    co_return got_bytes ? Wait::TimedOut : Wait::Closed;
  }
}

/// Answers a request that cannot be served (malformed, too large, too slow); the caller closes.
boost::asio::awaitable<void> reject(ClientIO& io, Response& response, int status, std::string_view why,
                                    const ErrorFormat& format) {
  response.reset();
  canonical::ApiError err{status, "invalid_request_error", "", "", "Malformed HTTP request: " + std::string(why)};
  if (status == 408) err.message = "Request timeout: " + std::string(why);
  err.close_connection = true;
  response.set_keep_alive(false);
  send_error(response, err, format);
  co_await response.drain();
  (void)io;
}

}  // namespace

boost::asio::awaitable<void> serve_connection(std::shared_ptr<ClientIO> io, const ConnectionLimits& limits,
                                             RouteTable& routes, const std::atomic<bool>& stopping) {
  ResponseStream stream;
  Response response(*io, stream, limits.write_timeout_ms);  // both reused by every request
  Request request(*io);
  HeadScanner scanner;
  std::string head;  // the current head, copied out of the read buffer (which the body read may move)
  for (int served = 0; !io->closed(); ++served) {
    std::size_t head_size = 0;
    int64_t head_read_ms = 0;  // the clock when the head was found (read_head's reading)
    const Wait w = co_await read_head(*io, scanner, limits, served == 0, stopping, head_size, head_read_ms);
    if (w == Wait::Closed || w == Wait::Failed) break;
    if (w == Wait::TooLarge) {
      co_await reject(*io, response, 431, "request head too large", routes.errors_for({}));
      break;
    }
    if (w == Wait::TimedOut) {
      co_await reject(*io, response, 408, "the request head did not arrive in time", routes.errors_for({}));
      break;
    }
    io->set_busy(true);
    head.assign(io->input().data(), head_size);
    io->input().consume(head_size);
    io->set_deadline(0);
    response.reset();
    if (const HeadError refused = request.parse(head, limits.head)) {
      co_await reject(*io, response, refused.status, refused.reason, routes.errors_for(request.parsed_target()));
      break;
    }
    request.set_body_deadline(head_read_ms + limits.body_timeout_ms);
    const bool keep_alive = request.keep_alive() && (limits.max_requests <= 0 || served + 1 < limits.max_requests) &&
                            !stopping.load(std::memory_order_relaxed);
    response.set_http10(request.http10());
    response.set_keep_alive(keep_alive);
    response.set("Date", http_date());
    response.set_head_only(request.method() == "HEAD");
    if (request.expect_continue()) {
      response.send_continue();
      const bool sent = co_await response.drain();
      if (!sent) break;
    }
    try {
      co_await routes.dispatch(request, response);
    } catch (const std::exception&) {
      break;  // an endpoint answers its own errors; anything else ends the connection
    }
    io->unwatch();
    response.finish();
    const bool sent = co_await response.drain();
    if (!sent) break;
    // Reuse only a connection whose request was read to its end and whose response the
    // client can delimit.
    if (!keep_alive || !response.keep_alive() || !response.delimited() || !request.body_done() || io->gone()) break;
    io->set_busy(false);
  }
  io->close();
}

}  // namespace llmgw::server

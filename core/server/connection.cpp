#include "server/connection.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/NetException.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

#include "server/client_io.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "server/responses.hpp"
#include "server/request_head.hpp"
#include "util/steady_clock.hpp"
#include "util/read_buffer.hpp"

namespace llmgw::server {
namespace {

/// The Date header value, formatted once per second per thread.
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

constexpr int kStopCheckMs = 500;  // idle connections notice a shutdown this fast


enum class Wait { Head, Closed, TooLarge, TimedOut, Failed };

/// Reads until a whole request head is buffered; its length in `head_size`. Before the first
/// byte the wait is `idle_ms` (keep-alive) or, for a connection's first request, the head
/// deadline itself; from the first byte, the head must be complete by the head deadline, and no
/// silence may last longer than `read_timeout_ms`.
Wait read_head(ClientIO& io, HeadScanner& scanner, const ConnectionLimits& limits, const bool first, int idle_ms,
               int read_timeout_ms, std::size_t& head_size) {
  int64_t deadline = first ? util::steady_ms() + limits.head_timeout_ms : 0;  // 0: not started
  bool got_bytes = false;  // a connection that never sent a byte is closed without an answer
  scanner.reset();
  for (;;) {
    util::ReadBuffer& in = io.input();
    got_bytes = got_bytes || in.size() > 0;
    // Any byte starts the head deadline, blank lines included (which are skipped: RFC 9112
    // §2.2), so a client cannot hold the connection with a trickle of them either.
    if (deadline == 0 && in.size() > 0) deadline = util::steady_ms() + limits.head_timeout_ms;
    std::size_t lead = 0;
    while (lead < in.size() && (in.data()[lead] == '\r' || in.data()[lead] == '\n')) ++lead;
    if (lead > 0) {
      in.consume(lead);
      scanner.reset();
    }
    if (in.size() > 0) {
      if ((head_size = scanner.find_end(in.view())) > 0) return Wait::Head;
      if (in.size() > limits.head.max_head) return Wait::TooLarge;
    }
    const bool idle = deadline == 0;
    int wait_ms = idle_ms;
    if (!idle) {
      const int64_t left = deadline - util::steady_ms();
      if (left <= 0) return got_bytes ? Wait::TimedOut : Wait::Closed;
      wait_ms = static_cast<int>(std::min<int64_t>(left, read_timeout_ms));
    }
    const ClientIO::Read r = io.fill(wait_ms, idle);
    if (r == ClientIO::Read::Data) continue;
    if (idle || r == ClientIO::Read::Closed) return in.size() > 0 && r == ClientIO::Read::Closed ? Wait::Failed : Wait::Closed;
    if (r != ClientIO::Read::Timeout) return Wait::Failed;
    return got_bytes ? Wait::TimedOut : Wait::Closed;
  }
}

/// Answers a request that cannot be served (malformed, too large, too slow) and closes.
void reject(ClientIO& io, ResponseStream& stream, int status, std::string_view why, std::string_view target) {
  Response response(io, stream);
  frontends::ApiError err{status, "invalid_request_error", "", "", "Malformed HTTP request: " + std::string(why)};
  if (status == 408) err.message = "Request timeout: " + std::string(why);
  err.close_connection = true;
  send_error(response, err, dialect_for_path(target));
}

}  // namespace

void Connection::run() {
  const int max_requests = params_->getMaxKeepAliveRequests();  // 0: unlimited
  const int read_timeout_ms = std::max(1, static_cast<int>(params_->getTimeout().totalMilliseconds()));
  const int idle_timeout_ms = std::max(1, static_cast<int>(params_->getKeepAliveTimeout().totalMilliseconds()));
  const int slice_ms = std::min({kStopCheckMs, read_timeout_ms, idle_timeout_ms, limits_.head_timeout_ms});
  ClientIO io(socket().impl()->sockfd(), stopping_, slice_ms);
  ResponseStream stream;
  Response response(io, stream);  // both reused by every request of the connection
  Request request(io, socket(), response, params_);
  HeadScanner scanner;
  for (int served = 0; !stopping_.load(std::memory_order_relaxed); ++served) {
    std::size_t head_size = 0;
    switch (read_head(io, scanner, limits_, served == 0, idle_timeout_ms, read_timeout_ms, head_size)) {
      case Wait::Head: break;
      case Wait::Closed: case Wait::Failed: return;
      case Wait::TooLarge: return reject(io, stream, 431, "request head too large", {});
      case Wait::TimedOut: return reject(io, stream, 408, "the request head did not arrive in time", {});
    }
    try {
      response.reset();
      const HeadError refused = request.parse(std::string_view(io.input().data(), head_size), limits_.head);
      if (refused) return reject(io, stream, refused.status, refused.reason, request.parsed_target());
      io.input().consume(head_size);
      request.set_body_deadline(util::steady_ms() + limits_.body_timeout_ms);
      const bool keep_alive = params_->getKeepAlive() && request.keep_alive() &&
                              (max_requests <= 0 || served + 1 < max_requests) &&
                              !stopping_.load(std::memory_order_relaxed);
      response.setVersion(request.getVersion());
      response.setKeepAlive(keep_alive);
      response.set("Date", http_date());
      response.set_head_only(request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD);
      std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
      if (request.expect_continue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
        response.sendContinue();
      handler->handleRequest(request, response);
      response.finish();
      // Reuse only a connection whose request was read to its end and whose response the
      // client can delimit.
      if (!keep_alive || !response.getKeepAlive() || !response.delimited() || !request.body_done()) return;
    } catch (const Poco::Exception&) {
      return;  // network error: the connection is gone
    }
  }
}

}  // namespace llmgw::server

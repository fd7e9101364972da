#include "server/connection.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <poll.h>

#include <cerrno>
#include <ctime>
#include <memory>
#include <string>

#include "server/request.hpp"
#include "server/responses.hpp"

namespace llmgw::server {
namespace {

/// Exposes how many request bytes Poco has read ahead (a pipelined next request).
class Session final : public Poco::Net::HTTPServerSession {
 public:
  using HTTPServerSession::HTTPServerSession;
  using HTTPServerSession::buffered;
};

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

}  // namespace

bool Connection::wait_readable(int timeout_ms) {
  const int fd = socket().impl()->sockfd();
  while (!stopping_.load(std::memory_order_relaxed)) {
    const int slice = timeout_ms < kStopCheckMs ? timeout_ms : kStopCheckMs;
    pollfd p{fd, POLLIN, 0};
    const int rc = ::poll(&p, 1, slice);
    if (rc > 0) return true;  // bytes, or a close/error the read will report
    if (rc < 0 && errno != EINTR) return false;
    if (rc == 0 && (timeout_ms -= slice) <= 0) return false;
  }
  return false;
}

void Connection::run() {
  Session session(socket(), params_);
  const int max_requests = params_->getMaxKeepAliveRequests();  // 0: unlimited
  const int first_timeout_ms = static_cast<int>(params_->getTimeout().totalMilliseconds());
  const int idle_timeout_ms = static_cast<int>(params_->getKeepAliveTimeout().totalMilliseconds());
  for (int served = 0; !stopping_.load(std::memory_order_relaxed); ++served) {
    if (session.buffered() <= 0 && !wait_readable(served == 0 ? first_timeout_ms : idle_timeout_ms)) return;
    try {
      Poco::Net::HTTPServerResponseImpl response(session);
      Request request(response, session, params_);
      const bool keep_alive = params_->getKeepAlive() && request.getKeepAlive() &&
                              (max_requests <= 0 || served + 1 < max_requests) &&
                              !stopping_.load(std::memory_order_relaxed);
      response.setVersion(request.getVersion());
      response.setKeepAlive(keep_alive);
      response.set("Date", http_date());
      std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
      if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
        response.sendContinue();
      handler->handleRequest(request, response);
      if (!keep_alive || !response.getKeepAlive()) return;
    } catch (const Poco::Net::NoMessageException&) {
      return;  // the client closed the connection between requests
    } catch (const Poco::Net::MessageException& e) {
      // Not HTTP: answer 400 once and close.
      try {
        Poco::Net::HTTPServerResponseImpl response(session);
        frontends::ApiError err = frontends::ApiError::invalid(std::string("Malformed HTTP request: ") + e.message());
        err.close_connection = true;
        send_error(response, err);
      } catch (...) {
      }
      return;
    } catch (const Poco::Exception&) {
      return;  // network error: the connection is gone
    }
  }
}

}  // namespace llmgw::server

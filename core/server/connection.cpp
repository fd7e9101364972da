#include "server/connection.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/NetException.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <string>

#include "server/client_io.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "server/responses.hpp"
#include "util/http_body.hpp"

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
constexpr std::size_t kMaxHead = 256 * 1024;

enum class Wait { Head, Closed, Malformed };

/// Reads until a whole request head is buffered; its length in `head_size`.
Wait read_head(ClientIO& io, int first_timeout_ms, int read_timeout_ms, std::size_t& head_size) {
  bool idle = true;  // nothing of this request has arrived yet
  for (;;) {
    util::ReadBuffer& in = io.input();
    // Blank lines before a request are skipped (as Poco did); they do not end the idle wait.
    std::size_t lead = 0;
    while (lead < in.size() && (in.data()[lead] == '\r' || in.data()[lead] == '\n')) ++lead;
    in.consume(lead);
    if (in.size() > 0) {
      idle = false;
      if ((head_size = util::find_head_end(in.view())) > 0) return Wait::Head;
      if (in.size() > kMaxHead) return Wait::Malformed;
    }
    const ClientIO::Read r = io.fill(idle ? first_timeout_ms : read_timeout_ms, idle);
    if (r != ClientIO::Read::Data) return idle ? Wait::Closed : Wait::Malformed;
  }
}

/// A 400 for input that is not HTTP; the connection closes after it.
void reject(ClientIO& io, ResponseStream& stream, const std::string& why) {
  Response response(io, stream);
  frontends::ApiError err = frontends::ApiError::invalid("Malformed HTTP request: " + why);
  err.close_connection = true;
  send_error(response, err);
}

}  // namespace

void Connection::run() {
  const int max_requests = params_->getMaxKeepAliveRequests();  // 0: unlimited
  const int read_timeout_ms = std::max(1, static_cast<int>(params_->getTimeout().totalMilliseconds()));
  const int idle_timeout_ms = std::max(1, static_cast<int>(params_->getKeepAliveTimeout().totalMilliseconds()));
  const int slice_ms = std::min({kStopCheckMs, read_timeout_ms, idle_timeout_ms});
  ClientIO io(socket().impl()->sockfd(), stopping_, slice_ms);
  ResponseStream stream;
  Response response(io, stream);  // both reused by every request of the connection
  Request request(io, socket(), response, params_, read_timeout_ms);
  for (int served = 0; !stopping_.load(std::memory_order_relaxed); ++served) {
    std::size_t head_size = 0;
    const Wait w = read_head(io, served == 0 ? read_timeout_ms : idle_timeout_ms, read_timeout_ms, head_size);
    if (w == Wait::Closed) return;
    if (w == Wait::Malformed) return reject(io, stream, "incomplete or oversized request head");
    try {
      response.reset();
      request.parse(std::string_view(io.input().data(), head_size));
      io.input().consume(head_size);
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
    } catch (const Poco::Net::MessageException& e) {
      return reject(io, stream, e.message());
    } catch (const Poco::Exception&) {
      return;  // network error: the connection is gone
    }
  }
}

}  // namespace llmgw::server

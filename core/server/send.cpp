#include "server/send.hpp"

#include <ostream>
#include <string>

#include "server/response.hpp"

namespace llmgw::server {

void send_json(Poco::Net::HTTPServerResponse& response, int status, std::string_view body) {
  if (auto* own = dynamic_cast<Response*>(&response)) {
    // Any code, 529 included, without passing through Poco's enum (it stops at 511).
    own->set_status(status, status == 529 ? "Overloaded" : status <= 511 ? Poco::Net::HTTPResponse::getReasonForStatus(
                                                                        static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status))
                                                                  : "Unknown");
  } else {
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  }
  response.setContentType("application/json");
  if (auto* own = dynamic_cast<Response*>(&response)) return own->send_whole(body);  // one write
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  // send() buffers the header and the body in one stream: a small response leaves in one
  // write (sendBuffer would take two).
  std::ostream& out = response.send();
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.flush();
}

void send_error(Poco::Net::HTTPServerResponse& response, const canonical::ApiError& error, const ErrorFormat& format) {
  if (error.retry_after_ms >= 0) {
    response.set("Retry-After", std::to_string((error.retry_after_ms + 999) / 1000));
    response.set("retry-after-ms", std::to_string(error.retry_after_ms));
  }
  // Tell SDKs (OpenAI, Anthropic, Claude Code) not to retry what cannot succeed on a retry.
  switch (error.status) {
    case 400: case 401: case 403: case 404: case 405: case 413: case 415: case 422:
      response.set("x-should-retry", "false");
      break;
    default:
      break;
  }
  if (error.close_connection) response.setKeepAlive(false);
  send_json(response, format.status(error), format.body(error));
}

std::ostream& begin_event_stream(Poco::Net::HTTPServerResponse& response) {
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType("text/event-stream");
  response.set("Cache-Control", "no-cache");
  response.set("X-Accel-Buffering", "no");
  response.setChunkedTransferEncoding(true);
  return response.send();
}

void end_event_stream(Poco::Net::HTTPServerResponse& response, std::ostream& out) {
  if (auto* own = dynamic_cast<Response*>(&response)) return own->finish();  // with the last chunk
  out.flush();
}

namespace {
boost::asio::awaitable<bool> nothing_queued() { co_return true; }
}  // namespace

boost::asio::awaitable<bool> drain(Poco::Net::HTTPServerResponse& response) {
  // Not a coroutine itself: the caller awaits Response::drain directly (one coroutine frame
  // less for every event of a stream).
  if (auto* own = dynamic_cast<Response*>(&response)) return own->drain();
  return nothing_queued();
}

}  // namespace llmgw::server

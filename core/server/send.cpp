#include "server/send.hpp"

#include <ostream>
#include <string>

#include "server/response.hpp"

namespace llmgw::server {

void send_json(Response& response, int status, std::string_view body) {
  response.set_status(status);
  response.set_content_type("application/json");
  response.send_whole(body);  // one write
}

void send_error(Response& response, const canonical::ApiError& error, const ErrorFormat& format) {
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
  if (error.close_connection) response.set_keep_alive(false);
  send_json(response, format.status(error), format.body(error));
}

std::ostream& begin_event_stream(Response& response) {
  response.set_status(200);
  response.set_content_type("text/event-stream");
  response.set("Cache-Control", "no-cache");
  response.set("X-Accel-Buffering", "no");
  response.set_chunked(true);
  return response.send();
}

void end_event_stream(Response& response, std::ostream&) {
  response.finish();  // the last events with the last chunk
}

boost::asio::awaitable<bool> drain(Response& response) {
  // Not a coroutine itself: the caller awaits Response::drain directly (one coroutine frame
  // less for every event of a stream).
  return response.drain();
}

}  // namespace llmgw::server

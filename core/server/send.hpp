// Writing responses: whole JSON bodies, errors in a route's ErrorFormat, event streams.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <ostream>
#include <string_view>

#include "canonical/api_error.hpp"
#include "server/error_format.hpp"
#include "server/response.hpp"

namespace llmgw::server {

/// Sends `body` as application/json with `status` in one write.
void send_json(Response& response, int status, std::string_view body);

/// Sends `error` shaped by `format`, with Retry-After when the error carries one, and
/// x-should-retry: false for what no retry can fix.
void send_error(Response& response, const canonical::ApiError& error,
                const ErrorFormat& format);

/// Commits a 200 text/event-stream response with chunked encoding and no caching, and returns
/// the stream to write events to (flush to send).
std::ostream& begin_event_stream(Response& response);

/// Sends what `out` (from begin_event_stream) holds and ends the stream: the last events and
/// the end of the chunked body leave in one write.
void end_event_stream(Response& response, std::ostream& out);

/// Sends what is queued on the response (streams: the events flushed so far), waiting until the
/// client took it; false when the client is gone or stopped reading.
boost::asio::awaitable<bool> drain(Response& response);

}  // namespace llmgw::server

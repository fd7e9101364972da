// An HTTP endpoint: one handler object shared by all requests to its routes, run on the event
// loop that owns the connection. A handler must never block: it awaits I/O. What it writes to
// the response is queued and sent by the connection when it returns (or drained by the handler
// itself, for streams).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "server/request.hpp"
#include "server/response.hpp"

namespace llmgw::server {

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual boost::asio::awaitable<void> handle(Request& request, Response& response) = 0;
};

}  // namespace llmgw::server

// One client connection, as a coroutine on the event loop that accepted it: reads HTTP/1.1
// requests into one buffer, parses them strictly (server/request_head), hands them to the
// route table, and keeps the connection alive between them. No thread is held while it waits:
// an idle keep-alive connection is a buffer and a timer.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>

#include "server/client_io.hpp"
#include "server/request_head.hpp"
#include "server/route_table.hpp"

namespace llmgw::server {

/// What a connection allows a client, and for how long it waits.
struct ConnectionLimits {
  HeadLimits head;
  int head_timeout_ms = 10000;      // from the first byte of a request (the accept, for the first)
  int body_timeout_ms = 60000;      // from the end of the head
  int read_timeout_ms = 60000;      // longest silence while a head is read
  int idle_timeout_ms = 15000;      // keep-alive: between requests
  int write_timeout_ms = 60000;     // one write to a client that does not read
  int max_requests = 10000;         // per connection; 0: unlimited
};

/// Serves `io`'s requests until the client closes, a limit is hit, or `stopping` is set (an
/// idle connection then closes at once; a busy one after its current answer).
boost::asio::awaitable<void> serve_connection(std::shared_ptr<ClientIO> io, const ConnectionLimits& limits,
                                             RouteTable& routes, const std::atomic<bool>& stopping);

}  // namespace llmgw::server

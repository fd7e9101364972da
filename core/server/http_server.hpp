// The HTTP server: a fixed set of event loops (one thread each, server.event_loops, default one
// per core), each with its own acceptor on the shared port (SO_REUSEPORT: the kernel spreads new
// connections) and owning its connections from accept to close, so the request path takes no
// lock. Connections beyond server.max_connections are refused at once and counted. stop() drains:
// it stops accepting, lets requests in flight finish up to the drain deadline (answers close their
// connections meanwhile), then closes what is left.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "server/connection.hpp"
#include "server/route_table.hpp"

namespace llmgw::server {

class HttpServer {
 public:
  /// Binds host:port (port 0 picks a free one) on every loop. `routes` is owned by the server.
  HttpServer(const config::ServerSettings& settings, RouteTable* routes);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Runs the loops, each on its own thread. `on_loop_start` runs first on each loop thread
  /// (per-loop state such as upstream connection pools).
  void start(std::function<void(boost::asio::io_context&)> on_loop_start = {});
  /// Graceful stop: no new connections; requests in flight (streams included) may finish until
  /// `drain`, every answer meanwhile closing its connection; then every connection is closed,
  /// the loops end and their threads are joined.
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(0));
  unsigned short port() const { return port_; }
  /// Connections open now, across loops.
  int64_t open_connections() const { return open_.load(std::memory_order_relaxed); }

 private:
  struct Loop;
  boost::asio::awaitable<void> accept_loop(Loop& loop);
  /// Takes an accepted connection (or refuses it past max_connections) and starts its coroutine.
  void serve(Loop& loop, boost::asio::ip::tcp::socket socket);
  /// Connections serving a request now, across loops (asked of each loop on its thread).
  int64_t busy_connections();

  ConnectionLimits limits_;
  int max_connections_;
  std::unique_ptr<RouteTable> routes_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> open_{0};
  unsigned short port_ = 0;
  uint32_t refused_counter_ = 0;
};

}  // namespace llmgw::server

// The HTTP server: Poco's TCPServer (acceptor + thread pool, queue) running our Connection loop
// (server/connection.hpp) with the configured keep-alive and timeouts.
#pragma once

#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <memory>

#include "config/config.hpp"
#include "server/route_table.hpp"

namespace llmgw::server {

class HttpServer {
 public:
  /// Binds host:port (port 0 picks a free one). `routes` is owned by the server afterwards.
  HttpServer(const config::ServerSettings& settings, RouteTable* routes);
  ~HttpServer();
  void start();
  /// Stops accepting and waits for in-flight requests to finish (up to the read timeout).
  void stop();
  unsigned short port() const { return port_; }

 private:
  std::unique_ptr<Poco::ThreadPool> threads_;
  std::atomic<bool> stopping_{false};
  std::unique_ptr<Poco::Net::TCPServer> server_;
  unsigned short port_ = 0;
};

}  // namespace llmgw::server

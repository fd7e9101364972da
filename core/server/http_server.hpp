// The Poco HTTPServer with the configured thread pool, queue, keep-alive and timeouts.
#pragma once

#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

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
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  unsigned short port_ = 0;
};

}  // namespace llmgw::server

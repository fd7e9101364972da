#include "server/http_server.hpp"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include "server/connection.hpp"

namespace llmgw::server {

HttpServer::HttpServer(const config::ServerSettings& s, RouteTable* routes) {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(s.host, static_cast<Poco::UInt16>(s.port)), true);
  socket.listen(std::max(64, s.max_queued));
  // Inherited by every accepted socket on Linux: set once here, not per request.
  socket.setNoDelay(true);
  // A client that does not read its response for this long is cut off, so a stalled reader
  // cannot hold a worker thread forever.
  if (s.write_timeout_ms > 0)
    socket.setSendTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(s.write_timeout_ms) * 1000));
  port_ = socket.address().port();

  threads_ = std::make_unique<Poco::ThreadPool>(2, std::max(2, s.max_threads), 60, s.thread_stack_kb * 1024);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(std::max(2, s.max_threads));
  params->setMaxQueued(s.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(s.keepalive_timeout_s, 0));
  params->setMaxKeepAliveRequests(s.max_keepalive_requests);
  params->setTimeout(Poco::Timespan(static_cast<long>(s.read_timeout_ms) * 1000));
  params->setServerName("llmgw");
  Poco::Net::HTTPServerParams::Ptr shared_params(params);
  ConnectionLimits limits;
  limits.head.max_head = s.max_header_bytes;
  limits.head_timeout_ms = s.request_head_timeout_ms;
  limits.body_timeout_ms = s.request_body_timeout_ms;
  server_ = std::make_unique<Poco::Net::TCPServer>(
      new ConnectionFactory(shared_params, Poco::Net::HTTPRequestHandlerFactory::Ptr(routes), limits, stopping_),
      *threads_, socket, shared_params);
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() { server_->start(); }

void HttpServer::stop() {
  if (server_) {
    stopping_.store(true);  // connections finish their current request, idle ones close
    server_->stop();
    server_.reset();
  }
  if (threads_) threads_->joinAll();
}

}  // namespace llmgw::server

// One client connection: reads HTTP/1.1 requests into one buffer, parses them (server/request)
// and hands them to the route table, keep-alive included; responses are written whole
// (server/response). It replaces Poco's HTTPServerConnection and its per-character streams: a
// request costs one read and one write when its bytes arrive together.
#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>

#include "server/request_head.hpp"

namespace llmgw::server {

/// What a connection allows a client: head limits and the head and body deadlines.
struct ConnectionLimits {
  HeadLimits head;
  int head_timeout_ms = 10000;  // from the first byte of a request (the accept, for the first)
  int body_timeout_ms = 60000;  // from the end of the head
};

class Connection final : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
             Poco::Net::HTTPRequestHandlerFactory::Ptr factory, const ConnectionLimits& limits,
             const std::atomic<bool>& stopping)
      : TCPServerConnection(socket),
        params_(std::move(params)),
        factory_(std::move(factory)),
        limits_(limits),
        stopping_(stopping) {}
  void run() override;

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  const ConnectionLimits& limits_;
  const std::atomic<bool>& stopping_;
};

class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                    const ConnectionLimits& limits, const std::atomic<bool>& stopping)
      : params_(std::move(params)), factory_(std::move(factory)), limits_(limits), stopping_(stopping) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, params_, factory_, limits_, stopping_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  ConnectionLimits limits_;
  const std::atomic<bool>& stopping_;
};

}  // namespace llmgw::server

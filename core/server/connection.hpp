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

namespace llmgw::server {

class Connection final : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
             Poco::Net::HTTPRequestHandlerFactory::Ptr factory, const std::atomic<bool>& stopping)
      : TCPServerConnection(socket), params_(std::move(params)), factory_(std::move(factory)), stopping_(stopping) {}
  void run() override;

 private:

  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  const std::atomic<bool>& stopping_;
};

class ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                    const std::atomic<bool>& stopping)
      : params_(std::move(params)), factory_(std::move(factory)), stopping_(stopping) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, params_, factory_, stopping_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  const std::atomic<bool>& stopping_;
};

}  // namespace llmgw::server

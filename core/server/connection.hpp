// One client connection: reads HTTP/1.1 requests with Poco's parser and hands them to the route
// table, keep-alive included. It replaces Poco's HTTPServerConnection, whose keep-alive wait
// costs four system calls per request (a fresh epoll set each time) where one poll() does.
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
  /// Waits until request bytes arrive; false on timeout, error, peer close or shutdown.
  bool wait_readable(int timeout_ms);

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

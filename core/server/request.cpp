#include "server/request.hpp"

#include <Poco/Net/HTTPChunkedStream.h>
#include <Poco/Net/HTTPFixedLengthStream.h>
#include <Poco/Net/HTTPHeaderStream.h>
#include <Poco/Net/HTTPStream.h>

namespace llmgw::server {

Request::Request(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPServerSession& session,
                 Poco::Net::HTTPServerParams::Ptr params)
    : response_(response), session_(session), params_(std::move(params)) {
  Poco::Net::HTTPHeaderInputStream headers(session);
  read(headers);
  if (getChunkedTransferEncoding())
    body_ = std::make_unique<Poco::Net::HTTPChunkedInputStream>(session);
  else if (hasContentLength())
    body_ = std::make_unique<Poco::Net::HTTPFixedLengthInputStream>(session, getContentLength64());
  else  // no body framing on a request means no body (RFC 9112 §6.3)
    body_ = std::make_unique<Poco::Net::HTTPFixedLengthInputStream>(session, 0);
}

Request::~Request() = default;

const Poco::Net::SocketAddress& Request::clientAddress() const {
  if (!client_) client_ = session_.clientAddress();
  return *client_;
}

const Poco::Net::SocketAddress& Request::serverAddress() const {
  if (!server_) server_ = session_.serverAddress();
  return *server_;
}

}  // namespace llmgw::server

// A parsed client request on a server Connection. Like Poco's HTTPServerRequestImpl, but the
// client and server addresses are looked up only when asked for (two system calls per request
// that the gateway almost never needs), and the socket is reachable for disconnect watching.
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>
#include <memory>
#include <optional>

namespace llmgw::server {

class Request final : public Poco::Net::HTTPServerRequest {
 public:
  /// Reads the request line and headers from `session` (throws Poco's MessageException on
  /// malformed input, NoMessageException when the peer closed first).
  Request(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPServerSession& session,
          Poco::Net::HTTPServerParams::Ptr params);
  ~Request() override;

  std::istream& stream() override { return *body_; }
  const Poco::Net::SocketAddress& clientAddress() const override;
  const Poco::Net::SocketAddress& serverAddress() const override;
  const Poco::Net::HTTPServerParams& serverParams() const override { return *params_; }
  Poco::Net::HTTPServerResponse& response() const override { return response_; }
  bool secure() const override { return false; }

  /// The client's socket (watched for disconnects while an upstream stream is relayed).
  Poco::Net::StreamSocket& socket() { return session_.socket(); }

 private:
  Poco::Net::HTTPServerResponse& response_;
  Poco::Net::HTTPServerSession& session_;
  Poco::Net::HTTPServerParams::Ptr params_;
  std::unique_ptr<std::istream> body_;
  mutable std::optional<Poco::Net::SocketAddress> client_, server_;
};

/// The client socket of a request served by server::Connection.
inline Poco::Net::StreamSocket& client_socket(Poco::Net::HTTPServerRequest& request) {
  return static_cast<Request&>(request).socket();
}

}  // namespace llmgw::server

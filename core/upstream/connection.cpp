#include "upstream/connection.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>

namespace llmgw::upstream {
namespace {

Poco::Net::Context::Ptr& tls_context() {
  static Poco::Net::Context::Ptr ctx;
  return ctx;
}

/// Exposes the protected pieces of Poco's sessions that a pooled, streaming client needs.
template <class Base>
class ConnectionImpl final : public Connection, public Base {
 public:
  template <class... Args>
  explicit ConnectionImpl(Args&&... args) : Base(std::forward<Args>(args)...) {
    Base::setKeepAlive(true);
  }
  Poco::Net::HTTPClientSession& http() override { return *this; }
  int buffered() const override { return Base::buffered(); }
  bool prepare(const Poco::Timespan& connect_timeout) override {
    if (Base::connected() && !Base::mustReconnect()) return false;
    Base::close();
    Base::setTimeout(connect_timeout, Base::getTimeout(), Base::getTimeout());
    Base::reconnect();
    Base::socket().setNoDelay(true);
    receive_timeout_ = Poco::Timespan(-1);  // a new socket: timeouts must be set again
    return true;
  }
};

}  // namespace

void init_tls() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    tls_context() = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                           Poco::Net::Context::VERIFY_RELAXED, 9, true);
  });
}

std::unique_ptr<Connection> make_connection(const Url& url) {
  if (url.scheme == "https") {
    init_tls();
    return std::make_unique<ConnectionImpl<Poco::Net::HTTPSClientSession>>(url.host, url.port,
                                                                           tls_context());
  }
  return std::make_unique<ConnectionImpl<Poco::Net::HTTPClientSession>>(url.host, url.port);
}

}  // namespace llmgw::upstream

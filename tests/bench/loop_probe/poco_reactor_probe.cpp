// Event-loop probe, Poco's SocketReactor (the other candidate the issue names): one reactor on one
// thread, a handler object per connection woken by ReadableNotification, keep-alive, the fixed
// answer to every request. Prints "listening on PORT" and serves until killed.
// Usage: bench_loop_probe_poco [PORT]
#include <Poco/NObserver.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAcceptor.h>
#include <Poco/Net/SocketNotification.h>
#include <Poco/Net/SocketReactor.h>
#include <Poco/Net/StreamSocket.h>

#include <cstdio>
#include <string>

#include "probe_http.hpp"

using Poco::Net::ReadableNotification;
using Poco::Net::SocketReactor;
using Poco::Net::StreamSocket;

class Connection {
 public:
  Connection(StreamSocket& socket, SocketReactor& reactor) : socket_(socket), reactor_(reactor) {
    socket_.setNoDelay(true);
    reactor_.addEventHandler(socket_, Poco::NObserver<Connection, ReadableNotification>(*this, &Connection::on_readable));
  }
  ~Connection() {
    reactor_.removeEventHandler(socket_, Poco::NObserver<Connection, ReadableNotification>(*this, &Connection::on_readable));
  }

  void on_readable(const Poco::AutoPtr<ReadableNotification>&) {
    char buf[16384];
    int n = 0;
    try {
      n = socket_.receiveBytes(buf, sizeof buf);
    } catch (...) {
      n = 0;
    }
    if (n <= 0) {
      delete this;
      return;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    std::string out;
    for (std::size_t size; (size = probe::whole_request(in_)) != 0;) {
      in_.erase(0, size);
      out += probe::answer();
    }
    // Small answers: the socket buffer takes them whole (the probe measures the loop, not writes).
    for (std::size_t sent = 0; sent < out.size();) {
      const int w = socket_.sendBytes(out.data() + sent, static_cast<int>(out.size() - sent));
      if (w <= 0) {
        delete this;
        return;
      }
      sent += static_cast<std::size_t>(w);
    }
  }

 private:
  StreamSocket socket_;
  SocketReactor& reactor_;
  std::string in_;
};

int main(int argc, char** argv) {
  Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(argc > 1 ? std::atoi(argv[1]) : 0)), 1024);
  SocketReactor reactor;
  Poco::Net::SocketAcceptor<Connection> acceptor(server, reactor);
  std::printf("listening on %u\n", server.address().port());
  std::fflush(stdout);
  reactor.run();
}

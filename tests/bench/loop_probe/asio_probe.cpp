// Event-loop probe, Boost.Asio with C++20 coroutines (what the core uses): one io_context on one
// thread, a coroutine per connection, keep-alive, the fixed answer to every request. Prints
// "listening on PORT" and serves until killed. Usage: bench_loop_probe_asio [PORT]
#include <boost/asio.hpp>

#include <cstdio>
#include <string>

#include "probe_http.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<void> serve(tcp::socket s) {
  std::string in;
  char buf[16384];
  s.set_option(tcp::no_delay(true));
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    in.append(buf, n);
    std::string out;
    for (std::size_t size; (size = probe::whole_request(in)) != 0;) {
      in.erase(0, size);
      out += probe::answer();
    }
    if (out.empty()) continue;
    co_await asio::async_write(s, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
  for (;;) {
    tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(acceptor.get_executor(), serve(std::move(s)), asio::detached);
  }
}

int main(int argc, char** argv) {
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0)));
  std::printf("listening on %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  asio::co_spawn(io, accept_loop(acceptor), asio::detached);
  io.run();
}

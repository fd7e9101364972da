// Test support for the event-loop upstream client: a scripted HTTP server on 127.0.0.1:0 running
// on the same io_context as the client (one thread: nothing may block), request reading on the
// server side, and a runner that drives one client coroutine to its end.
// Never write co_await inside CHECK / REQUIRE: Catch repeats the expression in a branch that
// never runs, and GCC 12's coroutine lowering evaluates that co_await too (twice the I/O).
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>

#include "upstream/async_exchange.hpp"
#include "upstream/url.hpp"
#include "canonical/clock.hpp"

namespace llmgw::upstream::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::use_awaitable;

/// Per-connection scripts get the accepted socket and the server (for its counters and knobs).
struct Server;
using Script = std::function<asio::awaitable<void>(tcp::socket, Server&)>;

struct Server {
  asio::io_context& io;
  tcp::acceptor acceptor;
  Script script;
  int connections = 0;
  int requests = 0;
  std::string last_request;

  Server(asio::io_context& io_, Script script_)
      : io(io_), acceptor(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), script(std::move(script_)) {
    asio::co_spawn(io, accept_loop(), asio::detached);
  }
  unsigned short port() const { return acceptor.local_endpoint().port(); }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      ++connections;
      asio::co_spawn(io, script(std::move(s), *this), [](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          UNSCOPED_INFO("server script threw: " << x.what());
        }
      });
    }
  }
};

/// Reads one request (head and Content-Length body) from `s`, keeping extra bytes in `buf`;
/// nullopt when the client closed first. Counts it in `server`.
template <class Stream>
asio::awaitable<std::optional<std::string>> read_request(Stream& s, std::string& buf, Server& server) {
  for (;;) {
    const auto head_end = buf.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      std::size_t length = 0;
      const auto at = buf.find("Content-Length: ");
      if (at != std::string::npos && at < head_end) length = std::stoul(buf.substr(at + 16));
      if (buf.size() >= head_end + 4 + length) {
        std::string request = buf.substr(0, head_end + 4 + length);
        buf.erase(0, request.size());
        ++server.requests;
        server.last_request = request;
        co_return request;
      }
    }
    char tmp[4096];
    boost::system::error_code ec;
    const std::size_t n = co_await s.async_read_some(asio::buffer(tmp), asio::redirect_error(use_awaitable, ec));
    if (ec) co_return std::nullopt;
    buf.append(tmp, n);
  }
}

template <class Stream>
asio::awaitable<bool> write(Stream& s, std::string_view bytes) {
  boost::system::error_code ec;
  co_await asio::async_write(s, asio::buffer(bytes.data(), bytes.size()), asio::redirect_error(use_awaitable, ec));
  co_return !ec;
}

inline asio::awaitable<void> sleep_ms(int ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  co_await t.async_wait(use_awaitable);
}

/// Runs the coroutine `make()` returns on `io` until it ends (at most `limit`), then rethrows
/// what it threw. The server's accept loop stays pending: the runner stops the loop itself.
template <class MakeCoroutine>
void run(asio::io_context& io, MakeCoroutine make, std::chrono::seconds limit = std::chrono::seconds(20)) {
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(io, make(), [&](std::exception_ptr e) {
    error = e;
    done = true;
    io.stop();
  });
  io.run_for(limit);
  io.restart();
  REQUIRE(done);
  if (error) std::rethrow_exception(error);
}

/// The failure an awaitable throws (FAILs when it throws none).
template <class Awaitable>
asio::awaitable<TransportFailure> failure_of(Awaitable a) {
  try {
    co_await std::move(a);
  } catch (const TransportError& e) {
    co_return e.failure();
  }
  FAIL("no TransportError thrown");
  co_return TransportFailure::Reset;
}

inline Url url_for(unsigned short port, const std::string& scheme = "http", const std::string& host = "127.0.0.1") {
  auto u = parse_url(scheme + "://" + host + ":" + std::to_string(port) + "/v1/chat/completions");
  REQUIRE(u);
  return *u;
}

inline AsyncRequest request_for(const Url& url, int head_ms = 3000, std::string_view body = "{\"x\":1}") {
  AsyncRequest r;
  r.url = &url;
  r.body = body;
  r.head_deadline_ms = canonical::steady_ms() + head_ms;
  return r;
}

inline int64_t elapsed_since(int64_t t0) { return canonical::steady_ms() - t0; }

}  // namespace llmgw::upstream::testing

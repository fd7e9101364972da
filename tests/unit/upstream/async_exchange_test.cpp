// AsyncExchange over plain HTTP against scripted servers on the same loop thread: framing,
// keep-alive reuse, every deadline, size caps, stale pooled connections, the never-twice rule,
// client-gone cancellation, and many concurrent exchanges on one thread.
#include "async_test_server.hpp"

#include <memory>
#include <string>
#include <vector>

using namespace llmgw::upstream;
using namespace llmgw::upstream::testing;

namespace {

constexpr const char* kHello = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
constexpr const char* kChunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

/// Answers every request on the connection with kHello (keep-alive).
asio::awaitable<void> answer_hello(tcp::socket s, Server& server) {
  std::string buf;
  while (co_await read_request(s, buf, server))
    if (!co_await write(s, kHello)) co_return;
}

std::string chunk(std::string_view data) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

}  // namespace

TEST_CASE("async exchange: Content-Length then chunked answers over one reused connection", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kHello);
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, std::string(kChunkedHead) + chunk("wor") + chunk("ld") + "0\r\nX-Trailer: 1\r\n\r\n");
  });
  const Url url = url_for(server.port());
  run(io, [&]() -> asio::awaitable<void> {
    {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url));
      REQUIRE(ex.status() == 200);
      REQUIRE(ex.headers().count == 2);
      CHECK(ex.headers().items[0].first == "Content-Type");
      CHECK(ex.headers().items[0].second == "text/plain");
      std::string body;
      co_await ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 1000);
      CHECK(body == "hello");
      ex.finish();
    }
    CHECK(pool.idle_count(url.origin) == 1);
    CHECK(server.last_request.rfind("POST /v1/chat/completions HTTP/1.1\r\n", 0) == 0);
    CHECK(server.last_request.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n") != std::string::npos);
    CHECK(server.last_request.find("\r\n\r\n{\"x\":1}") != std::string::npos);
    {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url));
      std::string body;
      co_await ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 1000);
      CHECK(body == "world");
      ex.finish();
    }
  });
  CHECK(server.connections == 1);
  CHECK(server.requests == 2);
  CHECK(pool.idle_count(url.origin) == 1);
}

TEST_CASE("async exchange: a large body leaves whole, with the head, on a pooled connection", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, answer_hello);
  const Url url = url_for(server.port());
  const std::string big(600 * 1024, 'b');  // above the copy threshold: a second buffer
  run(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url, 3000, big));
      std::string body;
      co_await ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 1000);
      CHECK(body == "hello");
      ex.finish();
    }
  });
  CHECK(server.requests == 2);
  CHECK(server.connections == 1);
  REQUIRE(server.last_request.size() > big.size());
  CHECK(server.last_request.substr(server.last_request.size() - big.size()) == big);
}

TEST_CASE("async exchange: a stream read with read_some, chunk by chunk, then pooled", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kChunkedHead);
    for (int i = 0; i < 5; ++i) {
      co_await sleep_ms(20);
      co_await write(s, chunk("data: " + std::to_string(i) + "\n\n"));
    }
    co_await write(s, "0\r\n\r\n");
    co_await read_request(s, buf, server);  // hold the connection open
  });
  const Url url = url_for(server.port());
  std::string got;
  int reads = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    char buf[64];
    const int64_t deadline = llmgw::canonical::steady_ms() + 5000;
    while (std::size_t n = co_await ex.read_some(buf, sizeof buf, 2000, deadline)) {
      got.append(buf, n);
      ++reads;
    }
    ex.finish();
  });
  CHECK(got == "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");
  CHECK(reads >= 2);  // arrived over time, not in one piece
  CHECK(pool.idle_count(url.origin) == 1);
}

TEST_CASE("async exchange: a stream read with read_view, in place, then pooled", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kChunkedHead);
    co_await write(s, chunk("data: a\n\n") + chunk("data: b\n\n"));  // two chunks, one write
    for (int i = 0; i < 3; ++i) {
      co_await sleep_ms(20);
      co_await write(s, chunk("data: " + std::to_string(i) + "\n\n"));
    }
    co_await write(s, "0\r\n\r\n");
    co_await read_request(s, buf, server);  // hold the connection open
  });
  const Url url = url_for(server.port());
  std::vector<std::string> pieces;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    const int64_t deadline = llmgw::canonical::steady_ms() + 5000;
    for (;;) {
      const std::string_view got = co_await ex.read_view(2000, deadline);
      if (got.empty()) break;
      pieces.emplace_back(got);  // copied before the next read, as the view requires
    }
    ex.finish();
  });
  std::string all;
  for (const auto& p : pieces) all += p;
  CHECK(all == "data: a\n\ndata: b\n\ndata: 0\n\ndata: 1\n\ndata: 2\n\n");
  CHECK(pieces.size() >= 5);  // one piece per chunk: chunk framing never reaches the caller
  CHECK(pool.idle_count(url.origin) == 1);
}

TEST_CASE("async exchange: take_buffered hands over what already arrived, read_view waits for the rest", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kChunkedHead);
    co_await write(s, chunk("data: a\n\n") + chunk("data: b\n\n") + chunk("data: c\n\n"));  // one write
    co_await sleep_ms(20);
    co_await write(s, chunk("data: d\n\n") + "0\r\n\r\n");
    co_await read_request(s, buf, server);  // hold the connection open
  });
  const Url url = url_for(server.port());
  std::string all;
  int taken = 0, awaited = 0;
  bool empty_before_start = false, empty_at_end = false;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    empty_before_start = ex.take_buffered().empty();
    co_await ex.start(request_for(url));
    const int64_t deadline = llmgw::canonical::steady_ms() + 5000;
    for (;;) {
      std::string_view got = ex.take_buffered();
      if (!got.empty()) {
        ++taken;
      } else {
        const std::string_view read = co_await ex.read_view(2000, deadline);
        if (read.empty()) break;
        got = read;
        ++awaited;
      }
      all += got;
    }
    empty_at_end = ex.take_buffered().empty();
    ex.finish();
  });
  CHECK(empty_before_start);
  CHECK(all == "data: a\n\ndata: b\n\ndata: c\n\ndata: d\n\n");
  CHECK(taken >= 2);    // at least b and c lay in the buffer behind a: no wait for them
  CHECK(awaited >= 1);  // d, sent 20 ms later, is waited for
  CHECK(empty_at_end);
  CHECK(pool.idle_count(url.origin) == 1);  // the framing ended where the body did: reused
}

TEST_CASE("async exchange: a dripped head times out at the head deadline", "[async][deadline]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, "HTTP/1.1 200 OK\r\n");
    for (;;) {
      co_await sleep_ms(30);
      if (!co_await write(s, "X")) co_return;
    }
  });
  const Url url = url_for(server.port());
  int64_t t0 = 0, took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    t0 = llmgw::canonical::steady_ms();
    {
      const auto got = co_await failure_of(ex.start(request_for(url, 300)));
      CHECK(got == TransportFailure::ReadTimeout);
    }
    took = elapsed_since(t0);
  });
  CHECK(took >= 280);
  CHECK(took < 2000);
  CHECK(pool.idle_count(url.origin) == 0);
}

TEST_CASE("async exchange: endless 100 Continue is an error, not a wait", "[async][deadline]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    for (;;) {
      if (!co_await write(s, "HTTP/1.1 100 Continue\r\n\r\n")) co_return;
      co_await sleep_ms(1);
    }
  });
  const Url url = url_for(server.port());
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    const int64_t t0 = llmgw::canonical::steady_ms();
    {
      const auto got = co_await failure_of(ex.start(request_for(url, 10000)));
      CHECK(got == TransportFailure::Reset);
    }
    took = elapsed_since(t0);
  });
  CHECK(took < 5000);  // the interim cap, not the 10 s deadline
}

TEST_CASE("async exchange: slow 1xx answers still end at the head deadline", "[async][deadline]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    for (;;) {
      if (!co_await write(s, "HTTP/1.1 102 Processing\r\n\r\n")) co_return;
      co_await sleep_ms(100);
    }
  });
  const Url url = url_for(server.port());
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    const int64_t t0 = llmgw::canonical::steady_ms();
    {
      const auto got = co_await failure_of(ex.start(request_for(url, 400)));
      CHECK(got == TransportFailure::ReadTimeout);
    }
    took = elapsed_since(t0);
  });
  CHECK(took >= 380);
  CHECK(took < 2000);
}

TEST_CASE("async exchange: a dripped body times out read_all at its deadline", "[async][deadline]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    for (;;) {
      co_await sleep_ms(30);
      if (!co_await write(s, "b")) co_return;
    }
  });
  const Url url = url_for(server.port());
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    const int64_t t0 = llmgw::canonical::steady_ms();
    std::string body;
    {
      const auto got = co_await failure_of(ex.read_all(body, t0 + 300, 1 << 20));
      CHECK(got == TransportFailure::ReadTimeout);
    }
    took = elapsed_since(t0);
    ex.finish();  // after a failure: not pooled
  });
  CHECK(took >= 280);
  CHECK(took < 2000);
  CHECK(pool.idle_count(url.origin) == 0);
}

TEST_CASE("async exchange: read_some throws at the deadline though bytes keep arriving", "[async][deadline]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kChunkedHead);
    for (;;) {
      co_await sleep_ms(20);
      if (!co_await write(s, chunk("data: tick\n\n"))) co_return;
    }
  });
  const Url url = url_for(server.port());
  int64_t took = 0;
  std::size_t received = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    const int64_t t0 = llmgw::canonical::steady_ms();
    char buf[256];
    try {
      for (;;) received += co_await ex.read_some(buf, sizeof buf, 1000, t0 + 300);
    } catch (const TransportError& e) {
      CHECK(e.failure() == TransportFailure::ReadTimeout);
    }
    took = elapsed_since(t0);
  });
  CHECK(received > 0);
  CHECK(took >= 280);
  CHECK(took < 2000);
}

TEST_CASE("async exchange: read_some waits no longer than its idle time", "[async][deadline]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, std::string(kChunkedHead) + chunk("first"));
    co_await read_request(s, buf, server);  // silent until the client closes
  });
  const Url url = url_for(server.port());
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    char buf[64];
    const int64_t deadline = llmgw::canonical::steady_ms() + 10000;
    {
      const auto got = co_await ex.read_some(buf, sizeof buf, 200, deadline);
      CHECK(got == 5);
    }
    const int64_t t0 = llmgw::canonical::steady_ms();
    {
      const auto got = co_await failure_of(ex.read_some(buf, sizeof buf, 200, deadline));
      CHECK(got == TransportFailure::ReadTimeout);
    }
    took = elapsed_since(t0);
  });
  CHECK(took >= 180);
  CHECK(took < 2000);
}

TEST_CASE("async exchange: an answer over max_bytes is TooLarge", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'z'));
    co_await read_request(s, buf, server);
  });
  const Url url = url_for(server.port());
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    std::string body;
    {
      const auto got = co_await failure_of(ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 50));
      CHECK(got == TransportFailure::TooLarge);
    }
    ex.finish();
  });
  CHECK(pool.idle_count(url.origin) == 0);
}

TEST_CASE("async exchange: refused connection is Unreachable", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  unsigned short port;
  {
    tcp::acceptor closed(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = closed.local_endpoint().port();
  }
  const Url url = url_for(port);
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    {
      const auto got = co_await failure_of(ex.start(request_for(url)));
      CHECK(got == TransportFailure::Unreachable);
    }
  });
}

TEST_CASE("async exchange: a pooled connection the server closed while idle is replaced, request sent once",
          "[async][pool]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kHello);  // keep-alive promised, then closed at once
    boost::system::error_code ec;
    s.shutdown(tcp::socket::shutdown_both, ec);
    s.close(ec);
  });
  const Url url = url_for(server.port());
  std::string second;
  run(io, [&]() -> asio::awaitable<void> {
    {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url));
      std::string body;
      co_await ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 100);
      ex.finish();
    }
    REQUIRE(pool.idle_count(url.origin) == 1);
    co_await sleep_ms(100);  // the FIN arrives while the connection is idle in the pool
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    co_await ex.read_all(second, llmgw::canonical::steady_ms() + 2000, 100);
    ex.finish();
  });
  CHECK(second == "hello");
  CHECK(server.connections == 2);
  CHECK(server.requests == 2);
}

TEST_CASE("async exchange: a reused connection closed after taking the request is an error, never a resend",
          "[async][pool]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kHello);
    if (!co_await read_request(s, buf, server)) co_return;  // taken, never answered
    boost::system::error_code ec;
    s.close(ec);
  });
  const Url url = url_for(server.port());
  run(io, [&]() -> asio::awaitable<void> {
    {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url));
      std::string body;
      co_await ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 100);
      ex.finish();
    }
    AsyncExchange ex(pool);
    {
      const auto got = co_await failure_of(ex.start(request_for(url)));
      CHECK(got == TransportFailure::Reset);
    }
    co_await sleep_ms(200);  // a resend would have reached the server by now
  });
  CHECK(server.requests == 2);
  CHECK(server.connections == 1);
}

TEST_CASE("async exchange: cancel_for_client_gone ends a pending read_some with ClientGone", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, kChunkedHead);
    co_await read_request(s, buf, server);  // silent until the client closes
  });
  const Url url = url_for(server.port());
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    asio::co_spawn(
        io,
        [&ex]() -> asio::awaitable<void> {
          co_await sleep_ms(100);
          ex.cancel_for_client_gone();
        },
        asio::detached);
    const int64_t t0 = llmgw::canonical::steady_ms();
    char buf[64];
    {
      const auto got = co_await failure_of(ex.read_some(buf, sizeof buf, 5000, t0 + 10000));
      CHECK(got == TransportFailure::ClientGone);
    }
    took = elapsed_since(t0);
    // And any later read.
    {
      const auto got = co_await failure_of(ex.read_some(buf, sizeof buf, 5000, t0 + 10000));
      CHECK(got == TransportFailure::ClientGone);
    }
    ex.finish();
  });
  CHECK(took >= 90);
  CHECK(took < 2000);
  CHECK(pool.idle_count(url.origin) == 0);
}

TEST_CASE("async exchange: 200 concurrent exchanges on one loop thread overlap their waits", "[async][concurrency]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    while (co_await read_request(s, buf, server)) {
      co_await sleep_ms(100);
      if (!co_await write(s, kHello)) co_return;
    }
  });
  const Url url = url_for(server.port());
  constexpr int kCount = 200;
  int completed = 0, failed = 0;
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    const int64_t t0 = llmgw::canonical::steady_ms();
    asio::steady_timer all_done(io, std::chrono::hours(1));
    for (int i = 0; i < kCount; ++i)
      asio::co_spawn(
          io,
          [&]() -> asio::awaitable<void> {
            try {
              AsyncExchange ex(pool);
              co_await ex.start(request_for(url, 10000));
              std::string body;
              co_await ex.read_all(body, llmgw::canonical::steady_ms() + 10000, 100);
              ex.finish();
              if (body == "hello") ++completed;
              else ++failed;
            } catch (const std::exception&) {
              ++failed;
            }
            if (completed + failed == kCount) all_done.cancel();
          },
          asio::detached);
    boost::system::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(use_awaitable, ec));
    took = elapsed_since(t0);
  });
  CHECK(completed == kCount);
  CHECK(failed == 0);
  CHECK(server.requests == kCount);
  CHECK(took < 5000);  // serially it would take 20 s
}

TEST_CASE("async exchange: a malformed or endless response head is Reset", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    if (server.requests == 1) {
      co_await write(s, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n");
    } else {  // a head that never ends, quickly: past the 256 KiB cap long before the deadline
      co_await write(s, "HTTP/1.1 200 OK\r\n");
      const std::string field = "X-Pad: " + std::string(1000, 'p') + "\r\n";
      for (int i = 0; i < 400; ++i)
        if (!co_await write(s, field)) co_return;
    }
    co_await read_request(s, buf, server);
  });
  const Url url = url_for(server.port());
  run(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      AsyncExchange ex(pool);
      const auto got = co_await failure_of(ex.start(request_for(url, 5000)));
      CHECK(got == TransportFailure::Reset);
    }
  });
  CHECK(server.requests == 2);
  CHECK(pool.idle_count(url.origin) == 0);
}

TEST_CASE("async exchange: HEAD and 204 answers have no body and keep the connection", "[async]") {
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");  // HEAD: the length of a GET
    if (!co_await read_request(s, buf, server)) co_return;
    co_await write(s, "HTTP/1.1 204 No Content\r\n\r\n");
    co_await read_request(s, buf, server);
  });
  const Url url = url_for(server.port());
  std::string head_body = "x", no_content = "x";
  run(io, [&]() -> asio::awaitable<void> {
    {
      AsyncExchange ex(pool);
      AsyncRequest r = request_for(url, 2000, "");
      r.method = "HEAD";
      co_await ex.start(r);
      co_await ex.read_all(head_body, llmgw::canonical::steady_ms() + 2000, 1000);
      ex.finish();
    }
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    CHECK(ex.status() == 204);
    co_await ex.read_all(no_content, llmgw::canonical::steady_ms() + 2000, 1000);
    ex.finish();
  });
  CHECK(head_body.empty());
  CHECK(no_content.empty());
  CHECK(server.connections == 1);
  CHECK(pool.idle_count(url.origin) == 1);
}

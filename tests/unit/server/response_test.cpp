// The HTTP/1.1 response writer (server/response): status lines (any code, 529 included), one
// write for a whole answer, chunked streams with their last chunk, HEAD without a body, and
// send_error in a route's ErrorFormat — read back from the peer of a real socket.
#include <catch2/catch.hpp>

#include <boost/asio.hpp>

#include <memory>
#include <optional>
#include <thread>

#include <sys/socket.h>
#include <sys/time.h>
#include <string>

#include "server/client_io.hpp"
#include "server/response.hpp"
#include "server/send.hpp"

using namespace llmgw;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

/// A connected pair on 127.0.0.1: the server side wrapped in a ClientIO, the client side raw.
struct Pair {
  asio::io_context io;
  tcp::socket client{io};
  std::shared_ptr<server::ClientIO> server_io;
  server::ResponseStream stream;
  Pair() {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    server_io = std::make_shared<server::ClientIO>(acceptor.accept());
  }
  /// Drains `r` on the loop, then reads what the client received until `until` appears.
  std::string drain_and_read(server::Response& r, std::string_view until) {
    bool ok = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { ok = co_await r.drain(); }, asio::detached);
    io.run_for(std::chrono::seconds(5));
    io.restart();
    REQUIRE(ok);
    std::string got;
    char buf[4096];
    while (got.find(until) == std::string::npos) {
      const std::size_t n = client.read_some(asio::buffer(buf));
      got.append(buf, n);
    }
    return got;
  }
};

int own_status(const canonical::ApiError& e) { return e.status; }
std::string short_body(const canonical::ApiError& e) { return "{\"e\":\"" + e.message + "\"}"; }
const server::ErrorFormat kFormat{&own_status, &short_body};

}  // namespace

TEST_CASE("response: a whole JSON answer is one head with Content-Length and the body") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  server::send_json(r, 200, R"({"ok":true})");
  const std::string got = p.drain_and_read(r, "{\"ok\":true}");
  CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(got.find("Content-Length: 11\r\n") != std::string::npos);
  CHECK(got.find("Content-Type: application/json\r\n") != std::string::npos);
  CHECK(got.ends_with("\r\n\r\n{\"ok\":true}"));
  CHECK(r.delimited());
}

TEST_CASE("response: any status code, 529 Overloaded included, with Retry-After from the error") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  canonical::ApiError e{529, "overloaded_error", "", "", "busy"};
  e.retry_after_ms = 1500;
  server::send_error(r, e, kFormat);
  const std::string got = p.drain_and_read(r, "{\"e\":\"busy\"}");
  CHECK(got.rfind("HTTP/1.1 529 Overloaded\r\n", 0) == 0);
  CHECK(got.find("Retry-After: 2\r\n") != std::string::npos);  // rounded up to whole seconds
  CHECK(got.find("retry-after-ms: 1500\r\n") != std::string::npos);
  CHECK(got.find("x-should-retry") == std::string::npos);  // 529 may be retried
}

TEST_CASE("response: a 400 tells SDKs not to retry; close_connection ends keep-alive") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.set_keep_alive(true);
  canonical::ApiError e = canonical::ApiError::invalid("nope");
  e.close_connection = true;
  server::send_error(r, e, kFormat);
  const std::string got = p.drain_and_read(r, "{\"e\":\"nope\"}");
  INFO(got);
  CHECK(got.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK(got.find("x-should-retry: false\r\n") != std::string::npos);
  CHECK(got.find("Connection: close\r\n") != std::string::npos);
}

TEST_CASE("response: an event stream is chunked, and finish() sends the last chunk with the last events") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  std::ostream& out = server::begin_event_stream(r);
  out << "data: 1\n\n";
  out.flush();
  const std::string first = p.drain_and_read(r, "data: 1\n\n");
  CHECK(first.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(first.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(first.find("Content-Type: text/event-stream\r\n") != std::string::npos);
  CHECK(first.find("\r\n9\r\ndata: 1\n\n\r\n") != std::string::npos);
  out << "data: [DONE]\n\n";
  server::end_event_stream(r, out);
  const std::string rest = p.drain_and_read(r, "0\r\n\r\n");
  CHECK(rest == "e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n");
  CHECK(r.delimited());
}

TEST_CASE("response: HEAD gets the head, never the body") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.set_head_only(true);
  server::send_json(r, 200, R"({"ok":true})");
  const std::string got = p.drain_and_read(r, "\r\n\r\n");
  CHECK(got.find("Content-Length: 11\r\n") != std::string::npos);
  CHECK(got.ends_with("\r\n\r\n"));
}

TEST_CASE("response: set replaces a field of the same name in any case, add keeps both") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.set("x-one", "a");
  r.set("X-One", "b");
  r.add("x-two", "1");
  r.add("x-two", "2");
  CHECK(r.get("X-ONE") == std::optional<std::string_view>("b"));
  server::send_json(r, 200, "{}");
  const std::string got = p.drain_and_read(r, "\r\n\r\n{}");
  INFO(got);
  CHECK(got.find("x-one: b\r\n") != std::string::npos);
  CHECK(got.find("x-one: a") == std::string::npos);
  CHECK(got.find("x-two: 1\r\nx-two: 2\r\n") != std::string::npos);
  CHECK(got.find("Connection: keep-alive\r\n") != std::string::npos);
}

TEST_CASE("response: reset forgets the last response's fields, status and framing") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.set("x-old", "1");
  server::send_json(r, 404, "{}");
  (void)p.drain_and_read(r, "\r\n\r\n{}");
  r.reset();
  server::send_json(r, 200, "[]");
  const std::string got = p.drain_and_read(r, "\r\n\r\n[]");
  INFO(got);
  CHECK(got.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(got.find("x-old") == std::string::npos);
  CHECK(got.find("Content-Length: 2\r\n") != std::string::npos);
}

TEST_CASE("response: an HTTP/1.0 client gets a 1.0 head; a stream is not chunked and ends with the connection") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.set_http10(true);
  std::ostream& out = server::begin_event_stream(r);
  out << "data: 1\n\n";
  server::end_event_stream(r, out);
  const std::string got = p.drain_and_read(r, "data: 1\n\n");
  INFO(got);
  CHECK(got.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(got.find("Transfer-Encoding") == std::string::npos);
  CHECK(got.find("Connection: close\r\n") != std::string::npos);
  CHECK_FALSE(r.delimited());
}

TEST_CASE("response: a declared trailer is named in a chunked head and sent after the last chunk") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.declare_trailer("x-llmgw-cost");
  std::ostream& out = server::begin_event_stream(r);
  out << "data: 1\n\n";
  out.flush();
  const std::string first = p.drain_and_read(r, "data: 1\n\n");
  INFO(first);
  CHECK(first.find("Transfer-Encoding: chunked\r\nTrailer: x-llmgw-cost\r\n") != std::string::npos);
  r.set_trailer("x-llmgw-cost", "0.000123");
  r.set_trailer("x-undeclared", "1");  // sent as well: the head named at least one (RFC 9110 allows more)
  out << "data: [DONE]\n\n";
  server::end_event_stream(r, out);
  const std::string rest = p.drain_and_read(r, "\r\n\r\n");
  CHECK(rest == "e\r\ndata: [DONE]\n\n\r\n0\r\nx-llmgw-cost: 0.000123\r\nx-undeclared: 1\r\n\r\n");
  CHECK(r.delimited());
  // The next response of the connection declares nothing and ends with a bare last chunk.
  r.reset();
  std::ostream& again = server::begin_event_stream(r);
  again << "data: 2\n\n";
  r.set_trailer("x-llmgw-cost", "1");  // not declared on this response: not sent
  server::end_event_stream(r, again);
  const std::string second = p.drain_and_read(r, "0\r\n\r\n");
  INFO(second);
  CHECK(second.find("Trailer") == std::string::npos);
  CHECK(second.ends_with("9\r\ndata: 2\n\n\r\n0\r\n\r\n"));
}

TEST_CASE("response: no trailer on a body that is not chunked (HTTP/1.0) or on a whole answer") {
  Pair p;
  server::Response r(*p.server_io, p.stream, 5000);
  r.set_http10(true);
  r.declare_trailer("x-llmgw-cost");
  std::ostream& out = server::begin_event_stream(r);
  out << "data: 1\n\n";
  r.set_trailer("x-llmgw-cost", "0.5");
  server::end_event_stream(r, out);
  const std::string got = p.drain_and_read(r, "data: 1\n\n");
  INFO(got);
  CHECK(got.find("Trailer") == std::string::npos);
  CHECK(got.find("x-llmgw-cost") == std::string::npos);
  CHECK(got.ends_with("\r\n\r\ndata: 1\n\n"));

  Pair q;
  server::Response w(*q.server_io, q.stream, 5000);
  w.declare_trailer("x-llmgw-cost");
  server::send_json(w, 200, "{}");
  const std::string whole = q.drain_and_read(w, "\r\n\r\n{}");
  CHECK(whole.find("Trailer") == std::string::npos);
}

TEST_CASE("response: drain_now writes what the socket takes; drain then sends the rest, each byte once") {
  Pair p;
  p.server_io->start();  // non-blocking, as the server runs it
  timeval two_s{2, 0};   // a lost byte fails the reads below instead of hanging them
  ::setsockopt(p.client.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &two_s, sizeof two_s);
  server::Response r(*p.server_io, p.stream, 5000);
  // Small: taken at once, nothing to await.
  server::send_json(r, 200, R"({"ok":true})");
  const std::optional<bool> small = r.drain_now();
  REQUIRE(small.has_value());
  CHECK(*small);
  CHECK_FALSE(r.has_queued());
  std::string got;
  char buf[65536];
  while (got.find("{\"ok\":true}") == std::string::npos) got.append(buf, p.client.read_some(asio::buffer(buf)));

  // Larger than the socket buffers: drain_now takes a part and leaves the rest to drain().
  r.reset();
  std::string body(16 << 20, 'x');
  for (std::size_t i = 0; i < body.size(); i += 4096) body[i] = static_cast<char>('a' + (i / 4096) % 26);
  server::send_json(r, 200, body);
  const std::optional<bool> big = r.drain_now();
  CHECK_FALSE(big.has_value());
  CHECK(r.has_queued());
  std::string received;
  std::thread reader([&] {
    boost::system::error_code ec;
    while (received.size() < body.size() || received.find("\r\n\r\n") == std::string::npos ||
           received.size() - received.find("\r\n\r\n") - 4 < body.size()) {
      const std::size_t n = p.client.read_some(asio::buffer(buf), ec);
      if (ec) break;
      received.append(buf, n);
    }
  });
  bool ok = false;
  asio::co_spawn(p.io, [&]() -> asio::awaitable<void> { ok = co_await r.drain(); }, asio::detached);
  p.io.run_for(std::chrono::seconds(20));
  p.io.restart();
  reader.join();
  CHECK(ok);
  const std::size_t head_end = received.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  CHECK(received.find("Content-Length: " + std::to_string(body.size()) + "\r\n") < head_end);
  CHECK(received.substr(head_end + 4) == body);  // every byte once, in order
}

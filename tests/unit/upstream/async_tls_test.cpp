// AsyncExchange over TLS against a local asio::ssl server whose self-signed certificate (for
// IP:127.0.0.1) is made at test time with the openssl CLI and trusted through SSL_CERT_FILE,
// as tests/integration/https-upstream.test.mjs does for the gateway.
#include "async_test_server.hpp"

#include <cstdlib>
#include <filesystem>

using namespace llmgw::upstream;
using namespace llmgw::upstream::testing;

namespace {

struct TlsFiles {
  std::string cert, key;
};

/// Makes the certificate once and trusts it: must run before the client's TLS context exists.
const TlsFiles& tls_files() {
  static const TlsFiles files = [] {
    char dir_template[] = "/tmp/llmgw-async-tls-XXXXXX";
    const char* dir = ::mkdtemp(dir_template);
    REQUIRE(dir != nullptr);
    TlsFiles f{std::string(dir) + "/cert.pem", std::string(dir) + "/key.pem"};
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
        "-keyout " + f.key + " -out " + f.cert + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    REQUIRE(std::filesystem::exists(f.cert));
    ::setenv("SSL_CERT_FILE", f.cert.c_str(), 1);
    return f;
  }();
  return files;
}

asio::ssl::context& server_tls() {
  static asio::ssl::context ctx = [] {
    asio::ssl::context c(asio::ssl::context::tls_server);
    c.use_certificate_chain_file(tls_files().cert);
    c.use_private_key_file(tls_files().key, asio::ssl::context::pem);
    return c;
  }();
  return ctx;
}

int handshakes_failed = 0;

/// Answers the first request with a Content-Length body and the second with a chunked stream.
asio::awaitable<void> tls_script(tcp::socket s, Server& server) {
  asio::ssl::stream<tcp::socket> tls(std::move(s), server_tls());
  boost::system::error_code ec;
  co_await tls.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    ++handshakes_failed;
    co_return;
  }
  std::string buf;
  if (!co_await read_request(tls, buf, server)) co_return;
  if (!co_await write(tls, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")) co_return;
  if (!co_await read_request(tls, buf, server)) co_return;
  co_await write(tls, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (const char* part : {"6\r\nevent1\r\n", "6\r\nevent2\r\n", "0\r\n\r\n"}) {
    co_await sleep_ms(20);
    if (!co_await write(tls, part)) co_return;
  }
  co_await read_request(tls, buf, server);
}

}  // namespace

TEST_CASE("async exchange over TLS: verified, reused, streamed", "[async][tls]") {
  tls_files();
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, tls_script);
  const Url url = url_for(server.port(), "https");
  std::string first, streamed;
  run(io, [&]() -> asio::awaitable<void> {
    {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url));
      REQUIRE(ex.status() == 200);
      co_await ex.read_all(first, llmgw::canonical::steady_ms() + 2000, 100);
      ex.finish();
    }
    AsyncExchange ex(pool);
    co_await ex.start(request_for(url));
    char buf[64];
    const int64_t deadline = llmgw::canonical::steady_ms() + 3000;
    while (std::size_t n = co_await ex.read_some(buf, sizeof buf, 1000, deadline)) streamed.append(buf, n);
    ex.finish();
  });
  CHECK(first == "hello");
  CHECK(streamed == "event1event2");
  CHECK(server.connections == 1);
  CHECK(server.requests == 2);
  CHECK(pool.idle_count(url.origin) == 1);
}

TEST_CASE("async exchange over TLS: a certificate for another host is refused as Unreachable", "[async][tls]") {
  tls_files();
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, tls_script);
  const Url url = url_for(server.port(), "https", "localhost");  // the certificate names IP:127.0.0.1 only
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    {
      const auto got = co_await failure_of(ex.start(request_for(url)));
      CHECK(got == TransportFailure::Unreachable);
    }
    co_await sleep_ms(50);
  });
  CHECK(server.connections == 1);
  CHECK(server.requests == 0);  // nothing of the request left in plaintext or otherwise
}

TEST_CASE("async exchange over TLS: a plain-HTTP server is not spoken to in plaintext", "[async][tls]") {
  tls_files();
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    co_await read_request(s, buf, server);
  });
  const Url url = url_for(server.port(), "https");
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    AsyncRequest r = request_for(url, 500);
    {
      const auto got = co_await failure_of(ex.start(r));  // handshake never answered
      CHECK(got == TransportFailure::ConnectTimeout);
    }
  });
  CHECK(server.requests == 0);
}

TEST_CASE("async exchange: the connect (TLS handshake included) ends at connect_timeout_ms", "[async][tls][deadline]") {
  tls_files();
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    co_await read_request(s, buf, server);  // takes the ClientHello, never answers it
  });
  const Url url = url_for(server.port(), "https");
  int64_t took = 0;
  run(io, [&]() -> asio::awaitable<void> {
    AsyncExchange ex(pool);
    AsyncRequest r = request_for(url, 5000);
    r.connect_timeout_ms = 200;
    const int64_t t0 = llmgw::canonical::steady_ms();
    const auto got = co_await failure_of(ex.start(r));
    took = elapsed_since(t0);
    CHECK(got == TransportFailure::ConnectTimeout);
  });
  CHECK(took >= 180);
  CHECK(took < 2000);
}

TEST_CASE("async exchange over TLS: a pooled connection closed while idle is replaced",
          "[async][tls][pool]") {
  tls_files();
  asio::io_context io;
  AsyncPool pool(io);
  Server server(io, [](tcp::socket s, Server& server) -> asio::awaitable<void> {
    asio::ssl::stream<tcp::socket> tls(std::move(s), server_tls());
    boost::system::error_code ec;
    co_await tls.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
    std::string buf;
    if (ec || !co_await read_request(tls, buf, server)) co_return;
    if (!co_await write(tls, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")) co_return;
    co_await sleep_ms(20);
    tls.next_layer().shutdown(tcp::socket::shutdown_both, ec);  // FIN without close_notify
    tls.next_layer().close(ec);
  });
  const Url url = url_for(server.port(), "https");
  std::string bodies;
  run(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      AsyncExchange ex(pool);
      co_await ex.start(request_for(url));
      std::string body;
      co_await ex.read_all(body, llmgw::canonical::steady_ms() + 2000, 100);
      bodies += body;
      ex.finish();
      co_await sleep_ms(150);
    }
  });
  CHECK(bodies == "hellohello");
  CHECK(server.connections == 2);
  CHECK(server.requests == 2);
}

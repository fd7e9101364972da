// send_credential_request (ABI 1.1 credential exchange: the HTTP call the core makes for a
// plugin's credentials, off the request path): a POST answered whole, with its status, headers and
// body; a server that never answers, a refused port and a URL that is not http(s) give status 0
// and a reason, within the timeout. The server runs on its own thread (the call blocks).
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>

#include "../upstream/async_test_server.hpp"
#include "pipeline/credential_exchange.hpp"

using llmgw::pipeline::CredentialAnswer;
using llmgw::pipeline::send_credential_request;
using llmgw::upstream::testing::read_request;
using llmgw::upstream::testing::Server;
using llmgw::upstream::testing::tcp;
using llmgw::upstream::testing::write;
namespace asio = boost::asio;

namespace {

/// An io_context running `script`'s server on a thread of its own for the test's lifetime.
struct Upstream {
  asio::io_context io;
  Server server;
  std::thread thread;
  explicit Upstream(llmgw::upstream::testing::Script script) : server(io, std::move(script)) {
    thread = std::thread([this] { io.run(); });
  }
  ~Upstream() {
    io.stop();
    thread.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server.port()) + path; }
};

const std::string kToken = R"({"access_token":"ya29.unit","expires_in":3599,"token_type":"Bearer"})";

}  // namespace

TEST_CASE("credential request: the POST goes out as written, the answer comes back whole") {
  std::string seen;
  Upstream up([&seen](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    auto req = co_await read_request(s, buf, server);
    if (!req) co_return;
    seen = *req;
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Test: yes\r\nContent-Length: " +
                               std::to_string(kToken.size()) + "\r\n\r\n" + kToken;
    co_await write(s, answer);
  });
  const CredentialAnswer a = send_credential_request(
      "POST", up.url("/token"), {{"content-type", "application/x-www-form-urlencoded"}}, "grant_type=x&assertion=a.b.c",
      std::chrono::milliseconds(5000));
  INFO(a.failure);
  CHECK(a.status == 200);
  CHECK(a.body == kToken);
  bool header = false;
  for (const auto& [n, v] : a.headers) header = header || (n == "X-Test" && v == "yes");
  CHECK(header);
  CHECK(seen.rfind("POST /token HTTP/1.1\r\n", 0) == 0);
  CHECK(seen.find("content-type: application/x-www-form-urlencoded\r\n") != std::string::npos);
  CHECK(seen.find("Content-Length: 28\r\n") != std::string::npos);
  CHECK(seen.ends_with("\r\n\r\ngrant_type=x&assertion=a.b.c"));
}

TEST_CASE("credential request: an error status is an answer too") {
  Upstream up([](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    if (!co_await read_request(s, buf, server)) co_return;
    const std::string body = R"({"error":"invalid_grant"})";
    co_await write(s, "HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  const CredentialAnswer a = send_credential_request("POST", up.url("/token"), {}, "x", std::chrono::milliseconds(5000));
  CHECK(a.status == 400);
  CHECK(a.body == R"({"error":"invalid_grant"})");
}

TEST_CASE("credential request: no answer within the timeout, a refused port, a bad URL → status 0 and a reason") {
  Upstream silent([](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    co_await read_request(s, buf, server);
    co_await llmgw::upstream::testing::sleep_ms(3000);  // holds the connection, answers nothing
  });
  const auto t0 = std::chrono::steady_clock::now();
  const CredentialAnswer hung = send_credential_request("POST", silent.url("/token"), {}, "x", std::chrono::milliseconds(300));
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(hung.status == 0);
  CHECK_FALSE(hung.failure.empty());
  CHECK(took < std::chrono::milliseconds(2000));

  unsigned short closed = 0;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed = a.local_endpoint().port();
  }
  const CredentialAnswer refused = send_credential_request(
      "POST", "http://127.0.0.1:" + std::to_string(closed) + "/token", {}, "x", std::chrono::milliseconds(2000));
  CHECK(refused.status == 0);
  CHECK_FALSE(refused.failure.empty());

  const CredentialAnswer bad = send_credential_request("POST", "ftp://example/token", {}, "x", std::chrono::milliseconds(100));
  CHECK(bad.status == 0);
  CHECK(bad.failure.find("ftp://example/token") != std::string::npos);
}

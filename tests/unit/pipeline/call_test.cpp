// Gateway::execute (the call: chain, retries, fallbacks, cooldowns) against scripted upstreams on
// 127.0.0.1, through the real provider-openai plugin and the event-loop upstream client: each
// upstream answers from a script, and the test checks which deployment answered, how many
// attempts it took, what reached the client and what health recorded.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "../upstream/async_test_server.hpp"
#include "config/config.hpp"
#include "loader/registry.hpp"
#include "pipeline/gateway.hpp"

using namespace llmgw;
using llmgw::upstream::testing::read_request;
using llmgw::upstream::testing::Server;
using llmgw::upstream::testing::tcp;
using llmgw::upstream::testing::write;
namespace asio = boost::asio;

namespace {

/// What one upstream answers, request after request (the last answer repeats).
struct Script {
  std::vector<std::string> answers;
  int served = 0;
};

std::string http(int status, std::string_view body, std::string_view extra = {}) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n" + std::string(body);
}

const std::string kOk = http(200, R"({"id":"c1","object":"chat.completion","created":1,"model":"up",
  "choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
  "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}})");
const std::string k429 = http(429, R"({"error":{"message":"slow down","type":"rate_limit_error","code":null}})",
                              "Retry-After: 2\r\n");
const std::string k500 = http(500, R"({"error":{"message":"boom","type":"server_error","code":null}})");
const std::string k400 = http(400, R"({"error":{"message":"bad","type":"invalid_request_error","code":null}})");
std::string sse(std::string_view events) {
  return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + std::to_string(events.size()) +
         "\r\n\r\n" + std::string(events);
}
const std::string kEvent = R"(data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"up","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]})" "\n\n";
const std::string kStream = sse(kEvent + "data: [DONE]\n\n");
/// A stream head whose body ends before its first event (Content-Length promises more).
const std::string kCutBeforeFirstEvent =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 500\r\n\r\ndata: {\"id\":";
/// A stream cut after its first event.
const std::string kCutAfterFirstEvent =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 5000\r\n\r\n" + kEvent;
const std::string kTooLong = http(400, R"({"error":{"message":"This model's maximum context length is 10 tokens",
  "type":"invalid_request_error","code":"context_length_exceeded"}})");

/// A keep-alive upstream answering each request with its script's next answer.
upstream::testing::Script serve(Script& script) {
  return [&script](tcp::socket s, Server& server) -> asio::awaitable<void> {
    std::string buf;
    for (;;) {
      auto request = co_await read_request(s, buf, server);
      if (!request) co_return;
      const std::size_t i = std::min<std::size_t>(script.served++, script.answers.size() - 1);
      const bool written = co_await write(s, script.answers[i]);
      if (!written) co_return;
      // An answer that promises more than it holds is cut here: the connection closes.
      if (script.answers[i].find("Content-Length: 500") != std::string::npos) co_return;
    }
  };
}

/// A client that records what reaches it.
struct RecordingReply final : pipeline::Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  void set_upstream_dialect(llmgw_dialect) override {}
  void error(const canonical::ApiError& e) override {
    status = e.status;
    body = e.message;
    if (e.retry_after_ms >= 0) headers["retry-after-ms"] = std::to_string(e.retry_after_ms);
  }
  void json(int s, std::string_view b) override {
    status = s;
    body = b;
  }
  std::string raw;
  int stream_errors = 0;
  bool ended = false;
  void stream_raw(std::string_view b) override {
    if (!status) status = 200;
    raw.append(b);
  }
  void stream_chunk(std::string_view) override {}
  void flush() override {}
  boost::asio::awaitable<bool> drain() override { co_return true; }
  void stream_error(const canonical::ApiError&) override { ++stream_errors; }
  void stream_end(bool) override { ended = true; }
  bool committed() const override { return status != 0; }
  bool client_alive() const override { return true; }
  void add_header(std::string_view n, std::string_view v) override { headers[std::string(n)] = std::string(v); }
};

std::string deployment(const std::string& alias, const std::string& model, unsigned short port) {
  return "  - model_name: " + alias + "\n    litellm_params:\n      model: openai/" + model +
         "\n      api_base: http://127.0.0.1:" + std::to_string(port) + "/v1\n      api_key: sk-test\n";
}

/// The gateway over three upstreams: pool "m" = a, b; alias "fb" = c (m's fallback, also its
/// context-window fallback "big" = c).
struct Fixture {
  asio::io_context io;
  Script a, b, c;
  Server sa{io, serve(a)}, sb{io, serve(b)}, sc{io, serve(c)};
  loader::Registry registry;
  std::unique_ptr<pipeline::Gateway> gateway;

  Fixture() {
    registry.load(std::string(LLMGW_PLUGIN_OUT_DIR) + "/provider-openai.so", "", {});
    const std::string yaml = "model_list:\n" + deployment("m", "up-a", sa.port()) + deployment("m", "up-b", sb.port()) +
                             deployment("fb", "up-c", sc.port()) + deployment("big", "up-c", sc.port()) +
                             "router_settings:\n  num_retries: 1\n  timeout: 10\n  retry_after: 0\n  allowed_fails: 1\n"
                             "  cooldown_time: 30\nlitellm_settings:\n"
                             "  fallbacks: [{\"m\": [\"fb\"]}]\n  context_window_fallbacks: [{\"m\": [\"big\"]}]\n";
    const config::Config cfg = config::load_string(yaml, "call_test.yaml");
    gateway = std::make_unique<pipeline::Gateway>(cfg, registry);
    gateway->on_loop_start(io);
  }
  ~Fixture() { gateway->release_loop_pools(); }

  const pipeline::Deployment& deployment_of(const std::string& model) {
    for (const auto& d : gateway->deployments())
      if (d->cfg.model == model && d->cfg.alias != "big") return *d;
    FAIL("no deployment " << model);
    throw;
  }

  /// Runs one non-stream call for alias "m" (the pool's first pick is random). Returns the
  /// outcome; `reply` holds what reached the client.
  pipeline::CallOutcome call(RecordingReply& reply, bool stream = false) {
    static const std::string plain = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
    static const std::string streamed = R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})";
    const std::string& body = stream ? streamed : plain;
    pipeline::CallContextPtr context = pipeline::acquire_call_context();
    pipeline::CallInput input;
    input.body = body;
    input.model = "m";
    input.model_begin = body.find("\"m\"");
    input.model_end = input.model_begin + 3;
    input.context = context.get();
    input.stream = stream;
    pipeline::CallOutcome outcome;
    upstream::testing::run(io, [&]() -> asio::awaitable<void> {
      outcome = co_await gateway->execute(input, *gateway->pool("m"), reply);
    });
    return outcome;
  }
};

bool cooling(const pipeline::Deployment& d) { return d.state.blocked_until(canonical::steady_ms()) > 0; }

}  // namespace

TEST_CASE("call: a 429 moves the call to the pool's other deployment, which cools for its Retry-After") {
  Fixture f;
  f.a.answers = {k429};
  f.b.answers = {k429};
  // Whichever is picked first answers 429; the other one then too; the fallback answers.
  f.c.answers = {kOk};
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply);
  CHECK(reply.status == 200);
  CHECK(out.status == 200);
  REQUIRE(out.deployment);
  CHECK(out.deployment->cfg.model == "up-c");
  CHECK(out.attempts == 3);
  CHECK(cooling(f.deployment_of("up-a")));
  CHECK(cooling(f.deployment_of("up-b")));
  CHECK(f.a.served == 1);  // cooling for Retry-After: not retried
  CHECK(f.b.served == 1);
}

TEST_CASE("call: a retryable failure goes to the other deployment of the pool first") {
  Fixture f;
  f.a.answers = {k500};
  f.b.answers = {kOk};
  f.c.answers = {kOk};
  // Until a answers first (the pick is random), b answers every call.
  for (int i = 0; i < 20 && f.a.served == 0; ++i) {
    RecordingReply reply;
    const pipeline::CallOutcome out = f.call(reply);
    CHECK(reply.status == 200);
    REQUIRE(out.deployment);
    CHECK(out.deployment->cfg.model == "up-b");
    if (f.a.served) CHECK(out.attempts == 2);
  }
  CHECK(f.a.served == 1);
  CHECK(f.c.served == 0);  // never needed the fallback
  CHECK(cooling(f.deployment_of("up-a")));  // allowed_fails: 1
}

TEST_CASE("call: a 400 is final: no retry, no fallback, the upstream's error reaches the client") {
  Fixture f;
  f.a.answers = {k400};
  f.b.answers = {k400};
  f.c.answers = {kOk};
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply);
  CHECK(reply.status == 400);
  CHECK(out.attempts == 1);
  CHECK(f.a.served + f.b.served == 1);
  CHECK(f.c.served == 0);
  CHECK_FALSE(cooling(f.deployment_of("up-a")));
  CHECK_FALSE(cooling(f.deployment_of("up-b")));
}

TEST_CASE("call: a context-window error takes the context_window_fallbacks chain at once") {
  Fixture f;
  f.a.answers = {kTooLong};
  f.b.answers = {kTooLong};
  f.c.answers = {kOk};
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply);
  CHECK(reply.status == 200);
  REQUIRE(out.deployment);
  CHECK(out.deployment->cfg.alias == "big");
  CHECK(out.attempts == 2);  // no retry on the pool: no retry fixes it
}

TEST_CASE("call: every deployment cooling gives a 429 with the soonest return, and nothing is sent") {
  Fixture f;
  f.a.answers = {kOk};
  f.b.answers = {kOk};
  f.c.answers = {kOk};
  const int64_t now = canonical::steady_ms();
  for (const auto& d : f.gateway->deployments()) const_cast<routing::DeploymentState&>(d->state).cool_until(now + 4000);
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply);
  CHECK(reply.status == 429);
  CHECK(out.attempts == 0);
  REQUIRE(reply.headers.count("retry-after-ms"));
  const int64_t after = std::stoll(reply.headers["retry-after-ms"]);
  CHECK(after > 3000);
  CHECK(after <= 4000);
  CHECK(f.a.served + f.b.served + f.c.served == 0);
}

TEST_CASE("call: the last retryable failure reaches the client once everything was tried") {
  Fixture f;
  f.a.answers = {k500};
  f.b.answers = {k500};
  f.c.answers = {k500};
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply);
  CHECK(reply.status == 500);
  CHECK(out.attempts >= 3);  // a, b, then the fallback (cooled deployments are not retried)
  CHECK(f.c.served >= 1);
}

TEST_CASE("call: a stream cut before its first event is retried elsewhere; the client sees one whole stream") {
  Fixture f;
  f.a.answers = {kCutBeforeFirstEvent};
  f.b.answers = {kCutBeforeFirstEvent};
  f.c.answers = {kStream};
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply, true);
  CHECK(out.status == 200);
  CHECK(out.attempts == 3);
  REQUIRE(out.deployment);
  CHECK(out.deployment->cfg.model == "up-c");
  CHECK(reply.raw == kEvent + "data: [DONE]\n\n");
  CHECK(reply.ended);
  CHECK(reply.stream_errors == 0);
}

TEST_CASE("call: a stream cut after its first event is not sent again: the client gets an error event") {
  Fixture f;
  f.a.answers = {kCutAfterFirstEvent};
  f.b.answers = {kCutAfterFirstEvent};
  f.c.answers = {kStream};
  RecordingReply reply;
  const pipeline::CallOutcome out = f.call(reply, true);
  CHECK(out.attempts == 1);
  CHECK(out.broke_after_commit);
  CHECK(reply.raw == kEvent);
  CHECK(reply.stream_errors == 1);
  CHECK_FALSE(reply.ended);
  CHECK(f.c.served == 0);
}

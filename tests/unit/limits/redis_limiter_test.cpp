// The Redis limiter's scripts on a real redis-server, through the asynchronous connection on an
// io_context run by the test thread.
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <unistd.h>

#include "limits/finish_batch.hpp"
#include "limits/redis_limiter.hpp"
#include "limits/redis_scripts.hpp"
#include "redis_server.hpp"

using namespace llmgw::limits;
using namespace std::chrono_literals;

namespace {

std::string member(const char* prefix, int i) {
  std::string m = prefix;
  m += std::to_string(i);
  return m;
}

struct Loop {
  explicit Loop(int port, std::chrono::milliseconds timeout = 300ms)
      : Loop(RedisEndpoint{"127.0.0.1", port, "", 0}, timeout) {}
  explicit Loop(RedisEndpoint endpoint, std::chrono::milliseconds timeout = 300ms)
      : limiter(std::move(endpoint), timeout, 60s) {
    limiter.on_loop_start(io);
  }
  ~Loop() { limiter.release_loop_connections(); }

  std::optional<Decision> admit(const Scopes& scopes, int64_t estimate, const std::string& member) {
    std::optional<Decision> out;
    bool done = false;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          std::string m = member;
          out = co_await limiter.admit(scopes, estimate, m);
          done = true;
        },
        boost::asio::detached);
    while (!done) io.run_one_for(2s);
    return out;
  }
  /// Lets fire-and-forget commands go out and their replies come back.
  void settle() { io.run_for(100ms); }

  boost::asio::io_context io;
  RedisLimiter limiter;
};

/// One blocking command (checks from outside the limiter).
long long redis_integer(int port, const char* cmd, const std::string& arg) {
  redisContext* c = redisConnect("127.0.0.1", port);
  auto* r = static_cast<redisReply*>(redisCommand(c, cmd, arg.c_str()));
  const long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  if (r) freeReplyObject(r);
  redisFree(c);
  return v;
}

void redis_plain(int port, const char* cmd) {
  redisContext* c = redisConnect("127.0.0.1", port);
  if (auto* r = static_cast<redisReply*>(redisCommand(c, cmd))) freeReplyObject(r);
  redisFree(c);
}

Scope scope(std::string id, int64_t rpm, int64_t tpm, int64_t parallel) {
  return Scope{ScopeKind::key, std::move(id), rpm, tpm, parallel};
}

}  // namespace

TEST_CASE("redis limiter: RPM exact, refusal with retry, figures per scope") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port());
  const Scopes s{scope("key:r", 3, 0, 0)};
  for (int i = 0; i < 3; ++i) {
    auto d = loop.admit(s, 0, member("m", i));
    REQUIRE(d);
    CHECK(d->allowed);
    CHECK(d->figures[0].req_remaining == 2 - i);
    CHECK(d->figures[0].req_reset_ms == kWindowMs);
  }
  auto d = loop.admit(s, 0, "m3");
  REQUIRE(d);
  CHECK_FALSE(d->allowed);
  CHECK(d->refused_scope == 0);
  CHECK(d->refused == Dimension::requests);
  CHECK(d->retry_after_ms > kWindowMs - 2000);
  CHECK(d->retry_after_ms <= kWindowMs);
  CHECK(d->figures[0].req_remaining == 0);
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:r", "req")) == 3);
  CHECK(redis_integer(redis.port(), "PTTL %s", redis_key("key:r", "req")) > 0);
}

TEST_CASE("redis limiter: all or nothing — a team refusal reserves nothing for the key") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port());
  const Scopes a{scope("key:a", 10, 0, 0), Scope{ScopeKind::team, "team:t", 2, 0, 0}};
  const Scopes b{scope("key:b", 10, 0, 0), Scope{ScopeKind::team, "team:t", 2, 0, 0}};
  REQUIRE(loop.admit(a, 0, "1")->allowed);
  REQUIRE(loop.admit(b, 0, "2")->allowed);
  auto d = loop.admit(b, 0, "3");
  REQUIRE(d);
  CHECK_FALSE(d->allowed);
  CHECK(d->refused_scope == 1);
  CHECK(d->figures[0].req_remaining == 8);  // key b: 1 used, and this one would have been the 2nd
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:b", "req")) == 1);
}

TEST_CASE("redis limiter: TPM reserved, reconciled by finish; parallel slots freed by finish") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port());
  const Scopes s{scope("key:t", 0, 1000, 1)};
  auto first = loop.admit(s, 600, "c1");
  REQUIRE(first);
  REQUIRE(first->allowed);
  CHECK(first->figures[0].tok_remaining == 400);
  auto second = loop.admit(s, 100, "c2");
  REQUIRE(second);
  CHECK_FALSE(second->allowed);
  CHECK(second->refused == Dimension::parallel);
  loop.limiter.finish(s, "c1", first->now_ms / 1000, {150 - 600});
  loop.settle();
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:t", "par")) == 0);
  auto third = loop.admit(s, 800, "c3");
  REQUIRE(third);
  CHECK(third->allowed);
  CHECK(third->figures[0].tok_remaining == 1000 - 150 - 800);
  auto fourth = loop.admit(Scopes{scope("key:t", 0, 1000, 0)}, 100, "c4");
  REQUIRE(fourth);
  CHECK_FALSE(fourth->allowed);
  CHECK(fourth->refused == Dimension::tokens);
  CHECK(fourth->retry_after_ms > 55'000);
}

TEST_CASE("redis limiter: release gives back the request, the tokens and the slot, on every scope") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port());
  const Scopes s{scope("key:g", 2, 1000, 1), Scope{ScopeKind::team, "team:g", 5, 0, 0}};
  auto first = loop.admit(s, 600, "g1");
  REQUIRE(first);
  REQUIRE(first->allowed);
  // Refused by its budget: everything it took is given back (a parallel slot would refuse g2).
  loop.limiter.release(s, "g1", first->now_ms / 1000, {-600, 0});
  loop.settle();
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:g", "req")) == 0);
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("team:g", "req")) == 0);
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:g", "par")) == 0);
  auto second = loop.admit(s, 1000, "g2");
  REQUIRE(second);
  CHECK(second->allowed);
  CHECK(second->figures[0].req_remaining == 1);
  CHECK(second->figures[0].tok_remaining == 0);
  CHECK(second->figures[1].req_remaining == 4);
  // A made call keeps its request counted: finish is not release.
  loop.limiter.finish(s, "g2", second->now_ms / 1000, {0, 0});
  loop.settle();
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:g", "req")) == 1);
}

TEST_CASE("redis limiter: the finishes of many calls go as one merged batch; every correction and slot lands") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port());
  const Scopes s{scope("key:b", 0, 100'000, 40), Scope{ScopeKind::team, "team:b", 0, 100'000, 0}};
  std::vector<std::int64_t> seconds;
  for (int i = 0; i < 30; ++i) {
    auto d = loop.admit(s, 100, member("b", i));
    REQUIRE(d);
    REQUIRE(d->allowed);
    seconds.push_back(d->now_ms / 1000);
  }
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:b", "par")) == 30);
  // 30 calls used 40 tokens each (refunds of 60), one used 160 (a top-up): 30 slots and the
  // corrections of two scopes, more than one script's arguments hold.
  for (int i = 0; i < 30; ++i)
    loop.limiter.finish(s, member("b", i), seconds[i], {i == 0 ? 60 : -60, i == 0 ? 60 : -60});
  loop.settle();
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:b", "par")) == 0);
  auto next = loop.admit(s, 1000, "b-next");
  REQUIRE(next);
  REQUIRE(next->allowed);
  CHECK(next->figures[0].tok_remaining == 100'000 - (29 * 40 + 160) - 1000);
  CHECK(next->figures[1].tok_remaining == 100'000 - (29 * 40 + 160) - 1000);
  // The scripts the batch sends stay within a command's arguments and carry everything.
  std::vector<FinishBatch::Tokens> tokens{{"key:b", 1, 5}, {"key:b", 1, -3}, {"team:b", 2, 7}};
  std::vector<FinishBatch::Slot> slots;
  for (int i = 0; i < 40; ++i) slots.push_back({"key:b", member("s", i)});
  const auto scripts = FinishBatch::scripts(tokens, slots, AsyncRedis::kMaxArgs);
  std::size_t nt = 0, ns = 0;
  for (const auto& argv : scripts) {
    CHECK(argv.size() <= AsyncRedis::kMaxArgs);
    const std::size_t keys = std::stoul(argv[2]);
    const std::size_t t = std::stoul(argv[3 + keys]), n = std::stoul(argv[4 + keys]);
    CHECK(keys == t + n);
    CHECK(argv.size() == 5 + keys + 2 * t + n);
    nt += t;
    ns += n;
  }
  CHECK(nt == 3);
  CHECK(ns == 40);
  CHECK(scripts.size() >= 2);
  CHECK(scripts[0][3 + std::stoul(scripts[0][2]) + 2 + 1] == "5");  // top-ups before refunds
}

TEST_CASE("redis limiter: finishes still waiting for their batch when the loops stop are sent on drain") {
  llmgw::test::RedisServer redis;
  const Scopes s{scope("key:d", 0, 1000, 2)};
  std::int64_t second_s = 0;
  {
    Loop loop(redis.port());
    auto first = loop.admit(s, 600, "d1");
    REQUIRE(first);
    REQUIRE(first->allowed);
    second_s = first->now_ms / 1000;
    REQUIRE(redis_integer(redis.port(), "ZCARD %s", redis_key("key:d", "par")) == 1);
    // Queued on the loop, which never turns again (a gateway's loops stop after the drain).
    loop.limiter.finish(s, "d1", second_s, {100 - 600});
    CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:d", "par")) == 1);
  }  // ~Loop: release_loop_connections
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:d", "par")) == 0);
  // The refund landed: the next call finds 100 tokens used, not the 600 estimated.
  Loop after(redis.port());
  auto next = after.admit(s, 100, "d2");
  REQUIRE(next);
  REQUIRE(next->allowed);
  CHECK(next->figures[0].tok_remaining == 1000 - 100 - 100);
}

TEST_CASE("redis limiter: NOSCRIPT after SCRIPT FLUSH falls back to EVAL") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port());
  const Scopes s{scope("key:n", 5, 0, 0)};
  REQUIRE(loop.admit(s, 0, "a")->allowed);
  redis_plain(redis.port(), "SCRIPT FLUSH");
  auto d = loop.admit(s, 0, "b");
  REQUIRE(d);
  CHECK(d->allowed);
  CHECK(d->figures[0].req_remaining == 3);
}

TEST_CASE("redis limiter: a hung or dead Redis answers nothing within the deadline") {
  llmgw::test::RedisServer redis;
  Loop loop(redis.port(), 100ms);
  const Scopes s{scope("key:h", 5, 0, 0)};
  REQUIRE(loop.admit(s, 0, "a"));
  redis.pause();
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(loop.admit(s, 0, "b"));
  const auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(waited >= 90ms);
  CHECK(waited < 1s);
  redis.resume();
  redis.kill();
  loop.settle();  // the connection drops
  const auto t1 = std::chrono::steady_clock::now();
  CHECK_FALSE(loop.admit(s, 0, "c"));
  CHECK(std::chrono::steady_clock::now() - t1 < 500ms);
  redis.restart();
  std::optional<Decision> back;
  for (int i = 0; i < 40 && !back; ++i) {
    loop.settle();
    back = loop.admit(s, 0, member("d", i));
  }
  REQUIRE(back);  // reconnected
  CHECK(back->allowed);
}

TEST_CASE("redis limiter: over a Unix domain socket (unix:///path, a sidecar Redis)") {
  const std::string path = "/tmp/llmgw-limits-" + std::to_string(::getpid()) + ".sock";
  llmgw::test::RedisServer redis({"--unixsocket", path, "--unixsocketperm", "700"});
  Loop loop(RedisEndpoint{path, 0, "", 0});
  const Scopes s{scope("key:unix", 2, 0, 0)};
  for (int i = 0; i < 2; ++i) {
    auto d = loop.admit(s, 0, member("u", i));
    REQUIRE(d);  // answered: the socket is the connection
    CHECK(d->allowed);
  }
  auto d = loop.admit(s, 0, "u2");
  REQUIRE(d);
  CHECK_FALSE(d->allowed);
  // The same server, seen over TCP: the script ran there.
  CHECK(redis_integer(redis.port(), "ZCARD %s", redis_key("key:unix", "req")) == 2);
  // A socket nobody listens on: no answer (fail open is the caller's), no hang.
  Loop nowhere(RedisEndpoint{path + ".none", 0, "", 0}, 100ms);
  CHECK_FALSE(nowhere.admit(s, 0, "n0"));
}

// Admission leases (limits/admission_lease) on a real redis-server: the admit script grants a
// lease of k only far from every limit (each dimension F × k left after the call; none near a
// limit, none under a parallel limit), counts it at once (members scored at the second's end,
// k × the estimate in this second's bucket); lease_return gives the unused part back exactly;
// and a limiter admits a class's calls from its leases (a round trip per ~k calls), Redis'
// counts equal to the calls admitted once the leases ended (timer) or the loops stopped (drain).
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "limits/admission_lease.hpp"
#include "limits/redis_limiter.hpp"
#include "limits/redis_scripts.hpp"
#include "redis_command.hpp"
#include "redis_server.hpp"

using namespace llmgw::limits;
using namespace std::chrono_literals;

namespace {

struct Redis : llmgw::testing::RedisCommand {
  using RedisCommand::RedisCommand;

  /// Waits until Redis' clock is early in its second (a lease is sized to what is left of it; a
  /// test's few calls then fit in the same second).
  void early_in_second() {
    for (;;) {
      auto* t = command({"TIME"});
      const long long ms = std::stoll(std::string(t->element[1]->str, t->element[1]->len)) / 1000;
      freeReplyObject(t);
      if (ms < 500) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1010 - ms));
    }
  }
  /// admit on one scope: its reply's integers.
  std::vector<long long> admit(const std::string& member, long long est, long long rpm, long long tpm, long long par,
                               long long lease, long long rate = 100'000) {
    std::vector<std::string> args{"EVAL", std::string(admit_script().text), "3", redis_key("s", "req"),
                                  redis_key("s", "tok"), redis_key("s", "par"), member, std::to_string(est),
                                  "60000", "1", std::to_string(rpm), std::to_string(tpm), std::to_string(par),
                                  std::to_string(lease), "64", std::to_string(rate)};
    auto* r = command(args);
    INFO((r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : std::string()));
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    std::vector<long long> out;
    for (size_t i = 0; i < r->elements; ++i) out.push_back(r->element[i]->integer);
    freeReplyObject(r);
    return out;
  }
  long long evalsha_calls() {
    auto* r = command({"INFO", "commandstats"});
    const std::string info(r->str, r->len);
    freeReplyObject(r);
    const std::size_t at = info.find("cmdstat_evalsha:calls=");
    if (at == std::string::npos) return 0;
    return std::stoll(info.substr(at + 22));
  }
};

Scope scope(std::string id, int64_t rpm, int64_t tpm, int64_t parallel) {
  return Scope{ScopeKind::key, std::move(id), rpm, tpm, parallel};
}

struct Loop {
  Loop(int port, int lease_calls) : limiter(RedisEndpoint{"127.0.0.1", port, "", 0}, 2000ms, 60s, lease_calls) {
    limiter.on_loop_start(io);
  }
  ~Loop() { drain(); }
  void drain() {
    if (drained) return;
    drained = true;
    limiter.release_loop_connections();
  }
  std::optional<Decision> admit(const Scopes& scopes, int64_t estimate, std::string member) {
    std::optional<Decision> out;
    bool done = false;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          out = co_await limiter.admit(scopes, estimate, member);
          done = true;
        },
        boost::asio::detached);
    while (!done) io.run_one_for(2s);
    return out;
  }
  boost::asio::io_context io;
  RedisLimiter limiter;
  bool drained = false;
};

}  // namespace

TEST_CASE("admission lease: granted far from the limits, counted at once, members at the second's end") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  r.early_in_second();
  const std::vector<long long> a = r.admit("m", 100, 10'000, 10'000'000, 0, 32);
  REQUIRE(a.size() == 5 + 8 + 2);
  REQUIRE(a[0] == 1);
  const long long now = a[4];
  const long long end = (now / 1000 + 1) * 1000 - 1;
  CHECK(a[13] == 32);
  CHECK(a[14] == end);
  CHECK(a[6] == 10'000 - 1);              // the call's own figures, as without a lease
  CHECK(a[9] == 10'000'000 - 100);
  CHECK(r.integer({"ZCARD", redis_key("s", "req")}) == 33);
  CHECK(r.integer({"ZSCORE", redis_key("s", "req"), "m"}) == now);
  CHECK(r.integer({"ZSCORE", redis_key("s", "req"), "m:L1"}) == end);
  CHECK(r.integer({"ZSCORE", redis_key("s", "req"), "m:L32"}) == end);
  CHECK(r.integer({"ZSCORE", redis_key("s", "req"), "m:L33"}) == -100);  // (nil)
  CHECK(r.integer({"HGET", redis_key("s", "tok"), "sum"}) == 33 * 100);
  CHECK(r.integer({"HGET", redis_key("s", "tok"), std::to_string(now / 1000)}) == 33 * 100);
  CHECK(r.integer({"PTTL", redis_key("s", "req")}) > 60'000);  // outlives its newest member's window
}

TEST_CASE("admission lease: none near a limit, under a parallel limit, or when none is asked") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  r.early_in_second();
  // RPM (F = 64, k >= 8): 499 left after the call, 499 / 64 = 7; 599: 9.
  CHECK(r.admit("a", 0, 500, 0, 0, 32)[13] == 0);
  CHECK(r.integer({"ZCARD", redis_key("s", "req")}) == 1);
  r.run({"FLUSHALL"});
  CHECK(r.admit("b", 0, 600, 0, 0, 32)[13] == 9);
  r.run({"FLUSHALL"});
  // TPM: 49,900 left after a call of 100: 499 estimates / 64 = 7.
  CHECK(r.admit("c", 100, 0, 50'000, 0, 32)[13] == 0);
  CHECK(r.integer({"HGET", redis_key("s", "tok"), "sum"}) == 100);
  r.run({"FLUSHALL"});
  CHECK(r.admit("d", 100, 10'000, 1'000'000, 5, 32)[13] == 0);  // a parallel limit: never leased
  CHECK(r.admit("e", 100, 10'000, 1'000'000, 0, 0)[13] == 0);   // not asked
  CHECK(r.admit("f", 100, 10'000, 1'000'000, 0, 32)[13] == 32);
  // Sized to the loop's calls of the class: at most half what 10 a second use in the rest of it
  // (under 8: none), or 50.
  CHECK(r.admit("g", 100, 100'000, 10'000'000, 0, 32, 10)[13] == 0);
  const std::vector<long long> h = r.admit("h", 100, 100'000, 10'000'000, 0, 32, 50);
  CHECK(h[13] == 50 * (1000 - h[4] % 1000) / 2000);
}

TEST_CASE("admission lease: lease_return gives back exactly what the lease did not use") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  r.early_in_second();
  const std::vector<long long> a = r.admit("m", 100, 10'000, 10'000'000, 0, 32);
  REQUIRE(a[13] == 32);
  Lease l;
  l.id = "m";
  l.scopes = {scope("s", 10'000, 10'000'000, 0)};
  l.second = a[4] / 1000;
  l.granted = 32;
  l.used = 4;
  l.tokens = 32 * 100;
  l.tokens_used = 4 * 100 - 30;  // (the calls' own estimates: one of them smaller)
  const std::vector<std::string> argv = LeaseBook::return_script(l);
  REQUIRE(!argv.empty());
  auto* reply = r.command(argv);
  INFO((reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : std::string()));
  CHECK(reply->type == REDIS_REPLY_INTEGER);
  freeReplyObject(reply);
  CHECK(r.integer({"ZCARD", redis_key("s", "req")}) == 1 + 4);
  CHECK(r.integer({"ZSCORE", redis_key("s", "req"), "m:L4"}) > 0);
  CHECK(r.integer({"ZSCORE", redis_key("s", "req"), "m:L5"}) == -100);
  CHECK(r.integer({"HGET", redis_key("s", "tok"), "sum"}) == 100 + 4 * 100 - 30);
  // A lease used up with nothing left: nothing to send.
  l.used = 32;
  l.tokens_used = l.tokens;
  CHECK(LeaseBook::return_script(l).empty());
}

TEST_CASE("admission lease: a loop admits a class from its leases, ~1 round trip per k calls, counts exact") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  const Scopes s{scope("key:l", 100'000, 1'000'000'000, 0), Scope{ScopeKind::team, "team:t", 1'000'000, 0, 0}};
  r.early_in_second();
  const long long before = r.evalsha_calls();
  {
    Loop loop(server.port(), 32);
    std::set<long long> remaining;
    for (int i = 0; i < 300; ++i) {
      auto d = loop.admit(s, 50, "c" + std::to_string(i));
      REQUIRE(d);
      REQUIRE(d->allowed);
      remaining.insert(d->figures[0].req_remaining);
    }
    const long long trips = r.evalsha_calls() - before;
    CHECK(trips >= 1);
    // (Without leases: 300. A lease follows the class's rate on the loop, and is of 8 calls at
    // least, so the class's first few dozen calls make their own round trips.)
    CHECK(trips <= 80);
    CHECK(remaining.size() == 300);  // every call's remaining figure its own, as one counter's
    // The leases end with their second: what they did not use is given back by the timer.
    loop.io.run_for(1100ms);
    CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) == 300);
    CHECK(r.integer({"ZCARD", redis_key("team:t", "req")}) == 300);
    CHECK(r.integer({"HGET", redis_key("key:l", "tok"), "sum"}) == 300 * 50);
  }
  // Drain: leases still running when the loops stop are given back then.
  r.run({"FLUSHALL"});
  r.early_in_second();
  {
    Loop loop(server.port(), 32);
    for (int i = 0; i < 60; ++i) REQUIRE(loop.admit(s, 50, "d" + std::to_string(i))->allowed);
    CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) > 60);  // a lease counted ahead
    loop.drain();
    CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) == 60);
    CHECK(r.integer({"HGET", redis_key("key:l", "tok"), "sum"}) == 60 * 50);
  }
  // Off (0): every call makes its round trip, nothing counted ahead.
  r.run({"FLUSHALL"});
  {
    const long long at = r.evalsha_calls();
    Loop loop(server.port(), 0);
    for (int i = 0; i < 10; ++i) REQUIRE(loop.admit(s, 50, "e" + std::to_string(i))->allowed);
    CHECK(r.evalsha_calls() - at == 10);
    CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) == 10);
  }
}

TEST_CASE("admission lease: a limit lowered takes effect at once (a new class), leases never near it") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  r.early_in_second();
  Loop loop(server.port(), 32);
  const Scopes wide{scope("key:x", 10'000, 0, 0)};
  for (int i = 0; i < 3; ++i) REQUIRE(loop.admit(wide, 0, "w" + std::to_string(i))->allowed);
  // /key/update lowers the RPM to what is counted (the lease included): the next call is refused.
  const long long counted = r.integer({"ZCARD", redis_key("key:x", "req")});
  const Scopes lowered{scope("key:x", counted, 0, 0)};
  auto d = loop.admit(lowered, 0, "w3");
  REQUIRE(d);
  CHECK_FALSE(d->allowed);
  // Near a limit every call makes its own round trip: RPM 300 admits exactly 300, nothing ahead.
  const Scopes tight{scope("key:t", 300, 0, 0)};
  int ok = 0;
  for (int i = 0; i < 320; ++i) {
    ok += loop.admit(tight, 0, "t" + std::to_string(i))->allowed ? 1 : 0;
    if (i == 150) CHECK(r.integer({"ZCARD", redis_key("key:t", "req")}) == 151);
  }
  CHECK(ok == 300);
  CHECK(r.integer({"ZCARD", redis_key("key:t", "req")}) == 300);
}

// The Redis reservation store's scripts on a real redis-server: two stores play two instances,
// each with its own io_context run by the test thread.
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <thread>

#include "policy/budget_scripts.hpp"
#include "policy/redis_reservation_store.hpp"
#include "redis_server.hpp"

using namespace llmgw::policy;
using namespace std::chrono_literals;

namespace {

struct Instance {
  explicit Instance(int port, std::int64_t ttl_ms = 60'000, std::chrono::milliseconds timeout = 300ms)
      : store(llmgw::limits::RedisEndpoint{"127.0.0.1", port, "", 0}, timeout, ttl_ms, 3'600'000) {
    store.on_loop_start(io);
    run(50ms);  // connected
  }
  /// Runs the loop (again: a loop out of work stops and must be restarted).
  void run(std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  }
  ~Instance() { store.release_loop_connections(); }

  ReserveResult reserve(const std::string& id, std::vector<ScopeBudget> scopes, std::int64_t amount,
                        std::int64_t now, std::int64_t visible) {
    ReserveResult out;
    bool done = false;
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          out = co_await store.reserve_async(id, std::move(scopes), amount, now, visible);
          done = true;
        },
        boost::asio::detached);
    io.restart();
    for (int i = 0; !done && i < 100; ++i) {
      if (io.stopped()) io.restart();
      io.run_one_for(100ms);
    }
    REQUIRE(done);
    return out;
  }
  /// settle() on the loop's thread, then lets the command go out.
  void settle(const std::string& id, std::int64_t cost, std::int64_t now) {
    REQUIRE(store.settle(id, cost, now));
    run(50ms);
  }

  boost::asio::io_context io;
  RedisReservationStore store;
};

std::vector<ScopeBudget> key_budget(std::int64_t budget, std::int64_t stored = 0) {
  return {ScopeBudget{"key:k1", budget, stored, 0}};
}

/// One integer command (HLEN, ZCARD) on `key`, on its own connection; -1 when it fails.
long long integer_reply(int port, const char* command, const std::string& key) {
  redisContext* c = redisConnect("127.0.0.1", port);
  auto* r = static_cast<redisReply*>(redisCommand(c, "%s %s", command, key.c_str()));
  const long long v = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  if (r) freeReplyObject(r);
  redisFree(c);
  return v;
}
long long hlen(int port, const std::string& key) { return integer_reply(port, "HLEN", key); }
long long zcard(int port, const std::string& key) { return integer_reply(port, "ZCARD", key); }

}  // namespace

TEST_CASE("redis reservations: one instance's hold binds the other; settle refunds; the crossing call is made") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  const std::int64_t now = 1'000'000;
  // budget 10: A holds 6, B is admitted with headroom 4 and holds 6 (crosses), A's next is refused.
  auto r1 = a.reserve("r1", key_budget(10), 6, now, now);
  CHECK(r1.refused == -1);
  CHECK(r1.headroom_nano == 10);
  auto r2 = b.reserve("r2", key_budget(10), 6, now, now);
  CHECK(r2.refused == -1);
  CHECK(r2.headroom_nano == 4);
  auto r3 = a.reserve("r3", key_budget(10), 6, now, now);
  CHECK(r3.refused == 0);
  CHECK(r3.used_nano == 12);
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 2);
  // Settled for less: refunds. 2 + 3 = 5 charged, so a call is admitted again.
  a.settle("r1", 2, now + 1);
  b.settle("r2", 3, now + 1);
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 0);
  CHECK(hlen(redis.port(), budget_period_key("key:k1", 0, "ucost")) == 2);
  auto r4 = b.reserve("r4", key_budget(10), 1, now + 2, now);
  CHECK(r4.refused == -1);
  CHECK(r4.headroom_nano == 5);
  // The same request id again is not held twice.
  auto again = b.reserve("r4", key_budget(10), 1, now + 2, now);
  CHECK(again.refused == -1);
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 1);
}

TEST_CASE("redis reservations: a committed charge stops counting once the stored spend is read after it") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  const std::int64_t now = 2'000'000;
  REQUIRE(a.reserve("c1", key_budget(10), 5, now, now).refused == -1);
  // The commit mark may reach Redis before the settle (another connection): it still counts.
  REQUIRE(a.store.settle("c1", 8, now + 1));
  a.store.committed("c1", now + 2);
  a.run(50ms);
  CHECK(a.store.pending_charges() == 0);
  // B's key cache read the database before the commit: stored 0, the charge counts (8 of 10).
  auto before = b.reserve("c2", key_budget(10, 0), 1, now + 3, now + 1);
  CHECK(before.refused == -1);
  CHECK(before.headroom_nano == 2);
  b.settle("c2", 0, now + 3);  // nothing charged, the hold released
  // After: the stored spend shows it (8), the charge is dropped: not counted twice.
  auto after = b.reserve("c3", key_budget(10, 8), 1, now + 4, now + 3);
  CHECK(after.refused == -1);
  CHECK(after.headroom_nano == 2);
  b.settle("c3", 0, now + 4);
  // Another instance whose cache is staler still counts it: the charge is not dropped for all.
  auto stale = a.reserve("c4", key_budget(10, 0), 1, now + 5, now + 1);
  CHECK(stale.refused == -1);
  CHECK(stale.headroom_nano == 2);
  CHECK(zcard(redis.port(), budget_period_key("key:k1", 0, "clog")) == 1);
  CHECK(hlen(redis.port(), budget_period_key("key:k1", 0, "ucost")) == 0);  // committed, not pending
  CHECK(hlen(redis.port(), budget_period_key("key:k1", 0, "cmt")) == 0);    // the late settle took its mark
  // A minute after its commit every instance's cache shows it: no longer counted, and the next
  // commit trims it from the log.
  a.settle("c4", 0, now + 5);
  CHECK(b.reserve("c5", key_budget(10, 8), 1, now + 70'000, now + 69'000).headroom_nano == 2);
  b.settle("c5", 1, now + 70'001);
  b.store.committed("c5", now + 70'002);
  CHECK(zcard(redis.port(), budget_period_key("key:k1", 0, "clog")) == 1);  // c5 only
  CHECK(b.reserve("c6", key_budget(10, 9), 1, now + 70'003, now + 70'003).headroom_nano == 1);
}

TEST_CASE("redis reservations: a written batch is committed at once, over key and team, to the nano-dollar") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  const std::int64_t now = 2'500'000;
  const std::vector<ScopeBudget> both{{"key:k3", 10'000'000, 0, 0}, {"team:t3", 10'000'000, 0, 0}};
  const std::vector<ScopeBudget> key_only{{"key:k3", 10'000'000, 0, 0}};
  // 300 calls (three scripts of up to 128 in one round trip), one of them on the key alone, one
  // never settled (not charged: nothing to commit), costs 1..300 on the key, 299 of them on the team.
  std::vector<std::string> ids;
  std::int64_t key_total = 0, team_total = 0;
  for (int i = 1; i <= 300; ++i) {
    std::string id = "m";  // appended: GCC 12 warns (-Wrestrict, falsely) on "m" + std::string
    id += std::to_string(i);
    REQUIRE(a.reserve(id, i == 7 ? key_only : both, 1, now, now).refused == -1);
    if (i == 9) continue;  // in flight
    REQUIRE(a.store.settle(id, i, now + 1));
    key_total += i;
    if (i != 7) team_total += i;
    ids.push_back(id);
  }
  a.run(50ms);
  ids.push_back("unknown");  // never reserved here: ignored
  std::vector<std::string_view> views(ids.begin(), ids.end());
  a.store.committed_many(views, now + 2, CommitStamps{});
  CHECK(a.store.pending_charges() == 0);
  CHECK(hlen(redis.port(), budget_period_key("key:k3", 0, "ucost")) == 0);
  CHECK(hlen(redis.port(), budget_period_key("team:t3", 0, "ucost")) == 0);
  CHECK(zcard(redis.port(), budget_period_key("key:k3", 0, "uexp")) == 0);
  CHECK(zcard(redis.port(), budget_period_key("key:k3", 0, "clog")) == 299);
  CHECK(zcard(redis.port(), budget_period_key("team:t3", 0, "clog")) == 298);
  // Another instance whose key cache read the database before the commits counts each of them
  // (and m9's hold of 1) once: used = total + 1.
  const std::int64_t key_budget_left = 100'000;
  auto r = b.reserve("probe", {{"key:k3", key_budget_left, 0, 0}, {"team:t3", key_budget_left, 0, 0}}, 1, now + 3, now);
  REQUIRE(r.refused == -1);
  CHECK(r.headroom_nano == key_budget_left - (key_total + 1));
  b.settle("probe", 0, now + 3);
  // The team's figure on its own: refused at exactly its use.
  auto t = b.reserve("probe2", {{"team:t3", team_total + 1, 0, 0}}, 1, now + 4, now);
  CHECK(t.refused == 0);
  CHECK(t.used_nano == team_total + 1);
  // Its cache has read the database since: the stored spend shows them; counted once, not twice.
  auto after = b.reserve("probe3", {{"key:k3", key_budget_left, key_total, 0}}, 1, now + 5, now + 3);
  REQUIRE(after.refused == -1);
  CHECK(after.headroom_nano == key_budget_left - (key_total + 1));
}

TEST_CASE("redis reservations: a crashed instance's hold lapses; all or nothing over key and team") {
  llmgw::test::RedisServer redis;
  const std::int64_t now = 3'000'000;
  {
    Instance crashed(redis.port(), 100);
    REQUIRE(crashed.reserve("x1", key_budget(10), 10, now, now).refused == -1);
  }  // never settled
  Instance b(redis.port(), 100);
  CHECK(b.reserve("x2", key_budget(10), 9, now + 50, now).refused == 0);   // still held
  CHECK(b.reserve("x3", key_budget(10), 9, now + 150, now).refused == -1);  // lapsed
  // Team spent: nothing is held on the key either.
  const std::vector<ScopeBudget> both{{"key:k2", 100, 0, 0}, {"team:t", 100, 100, 0}};
  auto r = b.reserve("x4", both, 5, now + 200, now);
  CHECK(r.refused == 1);
  CHECK(hlen(redis.port(), budget_key("key:k2", "held")) == 0);
}

TEST_CASE("redis reservations: Redis down, the call is held by this instance and settles there") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port(), 60'000, 100ms);
  redis.kill();
  a.run(50ms);
  const std::int64_t now = 4'000'000;
  CHECK(a.reserve("d1", key_budget(10), 6, now, now).refused == -1);
  CHECK(a.reserve("d2", key_budget(10), 6, now, now).refused == -1);  // crosses
  CHECK(a.reserve("d3", key_budget(10), 6, now, now).refused == 0);
  CHECK(a.store.reservations() == 2);
  CHECK(a.store.settle("d1", 1, now));
  CHECK(a.store.settle("d2", 1, now));
  CHECK(a.store.reservations() == 0);
  CHECK(a.reserve("d4", key_budget(10), 6, now, now).refused == -1);
}

namespace {

/// Calls of the EVAL command Redis has run since its start (INFO commandstats).
long long eval_calls(int port) {
  redisContext* c = redisConnect("127.0.0.1", port);
  auto* r = static_cast<redisReply*>(redisCommand(c, "INFO commandstats"));
  long long n = 0;
  if (r && r->type == REDIS_REPLY_STRING) {
    const std::string text(r->str, r->len);
    const auto at = text.find("cmdstat_eval:calls=");
    if (at != std::string::npos) n = std::stoll(text.substr(at + 19));
  }
  if (r) freeReplyObject(r);
  redisFree(c);
  return n;
}

}  // namespace

TEST_CASE("redis reservations: the settles of one loop turn go in one script; a reserve sends them first") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::int64_t now = 4'000'000;
  const std::vector<ScopeBudget> both{{"key:k5", 1'000, 0, 0}, {"team:t5", 1'000, 0, 0}};
  const std::vector<ScopeBudget> key_only{{"key:k5", 1'000, 0, 0}};
  REQUIRE(a.reserve("s1", both, 100, now, now).refused == -1);
  REQUIRE(a.reserve("s2", both, 100, now, now).refused == -1);
  REQUIRE(a.reserve("s3", key_only, 100, now, now).refused == -1);
  const long long evals = eval_calls(redis.port());
  REQUIRE(a.store.settle("s1", 5, now + 1));
  REQUIRE(a.store.settle("s2", 0, now + 1));  // released, nothing charged
  REQUIRE(a.store.settle("s3", 7, now + 1));
  a.run(50ms);
  CHECK(eval_calls(redis.port()) == evals + 1);  // one script for the three
  CHECK(hlen(redis.port(), budget_key("key:k5", "held")) == 0);
  CHECK(hlen(redis.port(), budget_key("team:t5", "held")) == 0);
  CHECK(zcard(redis.port(), budget_key("key:k5", "hexp")) == 0);
  CHECK(hlen(redis.port(), budget_period_key("key:k5", 0, "ucost")) == 2);   // s1, s3
  CHECK(hlen(redis.port(), budget_period_key("team:t5", 0, "ucost")) == 1);  // s1
  // Each scope counts exactly its charges: key 5 + 7, team 5.
  CHECK(a.reserve("p1", key_only, 1, now + 2, now).headroom_nano == 1'000 - 12);
  CHECK(a.reserve("p2", {{"team:t5", 1'000, 0, 0}}, 1, now + 2, now).headroom_nano == 1'000 - 5);
  // A settle still queued when a reserve goes in the same turn of the loop: it reaches Redis
  // first, so the reserve sees p1's cost (3), not its hold (1).
  ReserveResult p3;
  bool done = false;
  boost::asio::co_spawn(
      a.io,
      [&]() -> boost::asio::awaitable<void> {
        REQUIRE(a.store.settle("p1", 3, now + 3));
        p3 = co_await a.store.reserve_async("p3", key_only, 1, now + 3, now);
        done = true;
      },
      boost::asio::detached);
  a.run(200ms);
  REQUIRE(done);
  CHECK(p3.headroom_nano == 1'000 - 12 - 3);
}

TEST_CASE("redis reservations: a batched settle charges every scope of a call held on any of them") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::int64_t now = 5'000'000;
  const std::vector<ScopeBudget> both{{"key:k6", 1'000, 0, 0}, {"team:t6", 1'000, 0, 0}};
  REQUIRE(a.reserve("h1", both, 100, now, now).refused == -1);
  REQUIRE(a.reserve("h2", both, 100, now, now).refused == -1);
  // h1's hold gone from the key's scope only (as a sweep there would leave it): still charged on both.
  {
    redisContext* c = redisConnect("127.0.0.1", redis.port());
    auto* r = static_cast<redisReply*>(redisCommand(c, "HDEL %s h1", budget_key("key:k6", "held").c_str()));
    REQUIRE(r);
    CHECK(r->integer == 1);
    freeReplyObject(r);
    redisFree(c);
  }
  REQUIRE(a.store.settle("h1", 5, now + 1));
  REQUIRE(a.store.settle("h2", 7, now + 1));
  a.run(50ms);
  CHECK(hlen(redis.port(), budget_period_key("key:k6", 0, "ucost")) == 2);
  CHECK(hlen(redis.port(), budget_period_key("team:t6", 0, "ucost")) == 2);
  // (The key's hsum still counts h1's 100: only the hash field was removed here.)
  CHECK(a.reserve("p", {{"key:k6", 1'000, 0, 0}}, 1, now + 2, now).headroom_nano == 1'000 - 100 - 12);
}

TEST_CASE("redis reservations: a settle still waiting for its batch when the loops stop is sent on drain") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::int64_t now = 6'000'000;
  REQUIRE(a.reserve("d1", key_budget(1'000), 100, now, now).refused == -1);
  REQUIRE(a.reserve("d2", key_budget(1'000), 100, now, now).refused == -1);
  // Queued on the loop, which never turns again (a gateway's loops stop after the drain).
  REQUIRE(a.store.settle("d1", 5, now + 1));
  REQUIRE(a.store.settle("d2", 9, now + 1));
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 2);
  a.store.release_loop_connections();
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 0);
  CHECK(hlen(redis.port(), budget_period_key("key:k1", 0, "ucost")) == 2);
  CHECK(integer_reply(redis.port(), "ZCARD", budget_key("key:k1", "hexp")) == 0);
}

TEST_CASE("redis reservations: a scope's next budget period writes the next period's keys") {
  // The reserve's keys are made once per scope and period on a loop thread: a new period (a
  // budget reset) must not reuse the last period's.
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::int64_t now = 1'000'000, day = 86'400'000;
  CHECK(a.reserve("p1", {ScopeBudget{"key:k1", 10, 0, 0}}, 2, now, now).refused == -1);
  a.settle("p1", 2, now + 1);
  CHECK(a.reserve("p2", {ScopeBudget{"key:k1", 10, 0, day}}, 3, now + day, now + day).refused == -1);
  a.settle("p2", 3, now + day + 1);
  CHECK(a.reserve("p3", {ScopeBudget{"key:k1", 10, 0, 0}}, 1, now + 2, now).refused == -1);
  a.settle("p3", 1, now + 3);
  CHECK(hlen(redis.port(), budget_period_key("key:k1", 0, "ucost")) == 2);
  CHECK(hlen(redis.port(), budget_period_key("key:k1", day, "ucost")) == 1);
}

TEST_CASE("redis reservations: a call admitted near the budget's end settles at once, not after the batch delay") {
  // A client alternating between two instances must not meet its previous call's hold (the
  // batch's 5 ms) where the cost would let it through.
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::int64_t now = 8'000'000;
  const auto sent_without_the_timer = [&] {
    // The loop turns only for what is ready now (the write): the batch's timer never fires.
    for (int i = 0; i < 5; ++i) {
      a.io.restart();
      a.io.poll();
    }
    std::this_thread::sleep_for(100ms);  // Redis runs it
  };
  // Far from the end (1,000 left, 100 a call): the settle waits for its batch. (Checked only
  // when the loop turned within the batch's 5 ms: on a loaded machine poll() may find the timer
  // already due.)
  REQUIRE(a.reserve("far", key_budget(1'000), 100, now, now).refused == -1);
  const auto settled_at = std::chrono::steady_clock::now();
  REQUIRE(a.store.settle("far", 5, now + 1));
  a.io.restart();
  a.io.poll();
  const bool within_delay = std::chrono::steady_clock::now() - settled_at < 4ms;
  std::this_thread::sleep_for(50ms);
  if (within_delay) CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 1);
  a.run(50ms);  // the timer: sent
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 0);
  // 995 left, 300 a call: fewer than four calls' worth, so the settle goes with no delay.
  REQUIRE(a.reserve("near", key_budget(1'000), 300, now + 2, now).refused == -1);
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 1);
  REQUIRE(a.store.settle("near", 7, now + 3));
  sent_without_the_timer();
  CHECK(hlen(redis.port(), budget_key("key:k1", "held")) == 0);
  CHECK(hlen(redis.port(), budget_period_key("key:k1", 0, "ucost")) == 2);
}

TEST_CASE("redis reservations: a commit counts on top exactly for a reader whose record predates its stamp") {
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::int64_t now = 9'000'000;
  const auto scope = [](std::int64_t stored, std::int64_t visible) {
    return std::vector<ScopeBudget>{{"key:k9", 1'000, stored, 0, visible}};
  };
  REQUIRE(a.reserve("c1", scope(0, 1), 100, now, now).refused == -1);
  REQUIRE(a.reserve("c2", scope(0, 1), 100, now, now).refused == -1);
  a.settle("c1", 10, now + 1);
  a.settle("c2", 20, now + 1);
  // Two instances' ledger batches of the same key: the database stamped c1's 200 and c2's 300
  // (row lock order), but c2's mark reached Redis first.
  a.store.committed_many({"c2"}, now + 5, CommitStamps{{"key:k9", now + 300}});
  a.store.committed_many({"c1"}, now + 5, CommitStamps{{"key:k9", now + 200}});
  const auto used = [&](const std::string& id, std::int64_t stored, std::int64_t visible) {
    const ReserveResult r = a.reserve(id, scope(stored, visible), 0, now + 10, now);
    REQUIRE(r.refused == -1);
    return 1'000 - r.headroom_nano;
  };
  // A record read before both (stored 0), after c1 only (stored 10, stamp 200), after both.
  CHECK(used("p1", 0, now + 150) == 30);
  CHECK(used("p2", 10, now + 201) == 30);  // c2's 20 on top: counted once, not lost
  CHECK(used("p3", 30, now + 301) == 30);  // nothing on top: not twice
  // A scope that gives no stamp of its own: the call's visible_as_of_ms.
  const ReserveResult r = a.reserve("p4", {{"key:k9", 1'000, 10, 0, 0}}, 0, now + 10, now + 201);
  CHECK(1'000 - r.headroom_nano == 30);
}

TEST_CASE("redis reservations: the reserve's KEYS and ARGV are made only when the joined admit goes to Redis") {
  // join_admit leaves them to the companion's fill, which the limiter calls only when it sends
  // the admit (a call admitted from a lease sends nothing); the lease class is there at once.
  llmgw::test::RedisServer redis;
  Instance a(redis.port());
  const std::vector<ScopeBudget> scopes = {ScopeBudget{"key:k1", 5'000, 0, 0}, ScopeBudget{"team:t1", 9'000, 0, 0}};
  llmgw::limits::AdmitCompanion c;
  a.store.join_admit(c, "req-lazy", scopes, 100, 1'000, 0);
  CHECK(c.keys.empty());
  CHECK(c.args.empty());
  CHECK(c.hold_keys.empty());
  CHECK_FALSE(c.lease_class.empty());
  CHECK(c.lease_amount == 100);
  REQUIRE(c.fill);
  c.fill(c);
  REQUIRE(c.keys.size() == 7 * scopes.size());
  REQUIRE_FALSE(c.args.empty());
  CHECK(c.args.front() == "req-lazy");
  CHECK(c.args[1] == "100");  // the amount, then the reserve's other arguments
  REQUIRE(c.hold_keys.size() == 3 * scopes.size());
  for (std::size_t i = 0; i < scopes.size(); ++i)
    for (std::size_t k = 0; k < 3; ++k) CHECK(c.hold_keys[3 * i + k] == c.keys[7 * i + k]);
}

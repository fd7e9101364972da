// The settle batch on a real redis-server: settles that end within its delay of the first go as
// one script (not one a turn of the loop), and a flush sends them at once; whichever of the
// loop's batches (settles, the limits' finishes) fires first sends the other's too. The settle script's
// expiry rule, the script run as SettleBatch builds it: the charge keys it writes (tot, ucost,
// uexp) get the full expiry when new or when less than `keep` is left, and are left alone
// otherwise (four PEXPIREs a batch before); a charge hash emptied and written again never stays
// without an expiry; the charge itself is the same.
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "limits/asio_redis.hpp"
#include "limits/finish_batch.hpp"
#include "policy/budget_scripts.hpp"
#include "policy/settle_batch.hpp"
#include "redis_command.hpp"
#include "redis_server.hpp"

using namespace llmgw::policy;

namespace {

constexpr std::int64_t kTtl = 100'000, kChargeTtl = 3'600'000;
const SettleBatch::Expiry kExpiry{kTtl + kChargeTtl, kChargeTtl + kTtl / 2};

struct Redis : llmgw::testing::RedisCommand {
  using RedisCommand::RedisCommand;
  /// Holds `amount` for `id` on scope key:s (budget 1,000,000, period 0).
  void reserve(const std::string& id, std::int64_t amount, std::int64_t now) {
    std::vector<std::string> args{"EVAL", std::string(reserve_budget_script().text), "7"};
    push_reserve_keys(args, "key:s", 0);
    for (const std::string& a : {id, std::to_string(amount), std::to_string(now), std::to_string(now),
                                 std::to_string(kTtl), std::to_string(kChargeTtl), std::string("1"),
                                 std::string("1000000"), std::string("0"), std::string("0")})
      args.push_back(a);
    freeReplyObject(command(args));
  }
  /// `id`'s hold replaced by `cost`, through the batch's own script arguments.
  void settle(const std::string& id, std::int64_t cost, std::int64_t now) {
    const auto scripts = SettleBatch::scripts({SettleBatch::Settle{id, cost, now, {"key:s"}, {0}, {}, 0}}, kExpiry, 64);
    REQUIRE(scripts.size() == 1);
    REQUIRE(integer(scripts[0]) == 1);
  }
  long long pttl(const std::string& key) { return integer({"PTTL", key}); }
  /// EVALs Redis ran so far (INFO commandstats).
  long long evals() {
    auto* reply = command({"INFO", "commandstats"});
    long long n = 0;
    const std::string text(reply->str, reply->len);
    const auto at = text.find("cmdstat_eval:calls=");
    if (at != std::string::npos) n = std::stoll(text.substr(at + 19));
    freeReplyObject(reply);
    return n;
  }
  void pexpire(const std::string& key, long long ms) { REQUIRE(integer({"PEXPIRE", key, std::to_string(ms)}) == 1); }
};

const std::string kTot = budget_period_key("key:s", 0, "tot");
const std::string kUcost = budget_period_key("key:s", 0, "ucost");
const std::string kUexp = budget_period_key("key:s", 0, "uexp");

}  // namespace

TEST_CASE("budget settle: the charge keys get their expiry when new or due, and keep it otherwise") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  const std::int64_t now = 1'000'000;
  r.reserve("a", 10, now);
  r.settle("a", 7, now + 1);
  for (const auto& k : {kTot, kUcost, kUexp}) CHECK(r.pttl(k) > kExpiry.expiry_ms - 10'000);  // new: armed
  CHECK(r.integer({"HGET", kTot, "unc"}) == 7);

  // More than `keep` left: left alone (the script renewed all four keys on every batch before).
  const long long more = kExpiry.keep_ms + 20'000;
  for (const auto& k : {kTot, kUcost, kUexp}) r.pexpire(k, more);
  r.reserve("b", 10, now + 2);
  r.settle("b", 5, now + 3);
  for (const auto& k : {kTot, kUcost, kUexp}) {
    CHECK(r.pttl(k) <= more);
    CHECK(r.pttl(k) > more - 10'000);
  }
  CHECK(r.integer({"HGET", kTot, "unc"}) == 12);

  // Less than `keep` left: renewed, all three.
  for (const auto& k : {kTot, kUcost, kUexp}) r.pexpire(k, kExpiry.keep_ms - 1'000);
  r.reserve("c", 10, now + 4);
  r.settle("c", 1, now + 5);
  for (const auto& k : {kTot, kUcost, kUexp}) CHECK(r.pttl(k) > kExpiry.expiry_ms - 10'000);

  // The charges committed (ucost and uexp emptied: deleted) while tot keeps a long expiry: the
  // next settle writes them again, and they get an expiry (never -1).
  for (const auto& k : {kUcost, kUexp}) REQUIRE(r.integer({"DEL", k}) == 1);
  r.pexpire(kTot, more);
  r.reserve("d", 10, now + 6);
  r.settle("d", 2, now + 7);
  for (const auto& k : {kTot, kUcost, kUexp}) CHECK(r.pttl(k) > kExpiry.keep_ms);
  CHECK(r.integer({"HGET", kUcost, "d"}) == 2);
}

TEST_CASE("settle batch: the settles within its delay go as one script; a flush sends them at once") {
  using namespace std::chrono_literals;
  llmgw::test::RedisServer server;
  Redis r(server.port());
  boost::asio::io_context io;
  llmgw::limits::AsyncRedis redis(io, llmgw::limits::RedisEndpoint{"127.0.0.1", server.port(), "", 0});
  const auto run = [&io](std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  };
  run(50ms);  // connected
  REQUIRE(redis.ready());
  const std::int64_t now = 2'000'000;
  for (const char* id : {"e1", "e2", "e3"}) r.reserve(id, 10, now);
  const long long before = r.evals();
  {
    SettleBatch batch(io, redis, kExpiry, 300ms);
    batch.add(SettleBatch::Settle{"e1", 4, now + 1, {"key:s"}, {0}, {}, 0});
    run(30ms);  // turns of the loop, within the delay: nothing sent yet
    CHECK(r.evals() == before);
    batch.add(SettleBatch::Settle{"e2", 5, now + 2, {"key:s"}, {0}, {}, 0});
    run(30ms);
    CHECK(r.evals() == before);
    run(400ms);  // the delay ran out: both in one script
    CHECK(r.evals() == before + 1);
    CHECK(r.integer({"HGET", kTot, "unc"}) == 9);

    batch.add(SettleBatch::Settle{"e3", 6, now + 3, {"key:s"}, {0}, {}, 0});
    batch.flush();  // (as a reserve on the loop does)
    run(30ms);
    CHECK(r.evals() == before + 2);
    CHECK(r.integer({"HGET", kTot, "unc"}) == 15);
    run(400ms);  // the timer armed by e3 finds nothing left to send
    CHECK(r.evals() == before + 2);
  }
  CHECK(r.integer({"HLEN", budget_key("key:s", "held")}) == 0);
}

TEST_CASE("settle batch: when its timer fires, the loop's other batches (the limits' finishes) go with it") {
  using namespace std::chrono_literals;
  llmgw::test::RedisServer server;
  Redis r(server.port());
  boost::asio::io_context io;
  llmgw::limits::AsyncRedis redis(io, llmgw::limits::RedisEndpoint{"127.0.0.1", server.port(), "", 0});
  const auto run = [&io](std::chrono::milliseconds d) {
    io.restart();
    io.run_for(d);
  };
  run(50ms);  // connected
  REQUIRE(redis.ready());
  const std::int64_t now = 3'000'000;
  r.reserve("f1", 10, now);
  const long long before = r.evals();
  {
    SettleBatch settles(io, redis, kExpiry, 200ms);
    llmgw::limits::FinishBatch finishes(io, redis, 2000ms);
    settles.add(SettleBatch::Settle{"f1", 4, now + 1, {"key:s"}, {0}, {}, 0});
    run(30ms);
    finishes.add_tokens("key:s", now / 1000, -3);  // its own delay is 2 s
    run(30ms);
    CHECK(r.evals() == before);
    run(300ms);  // the settles' delay ran out: the finish went too, 1.7 s before its own
    CHECK(r.evals() == before + 2);
    CHECK(r.integer({"HGET", kTot, "unc"}) == 4);
    run(2000ms);  // the finish's timer finds nothing left to send
    CHECK(r.evals() == before + 2);

    // And the other way round: the finish's timer takes the settles queued with it.
    r.reserve("f2", 10, now + 2);
    const long long again = r.evals();
    llmgw::limits::FinishBatch quick(io, redis, 100ms);
    settles.add(SettleBatch::Settle{"f2", 5, now + 3, {"key:s"}, {0}, {}, 0});
    quick.free_slot("key:s", "member");
    // (settles' own timer: 200 ms; the quick finish's: 100 ms)
    run(150ms);
    CHECK(r.evals() == again + 2);
    CHECK(r.integer({"HGET", kTot, "unc"}) == 9);
  }
}

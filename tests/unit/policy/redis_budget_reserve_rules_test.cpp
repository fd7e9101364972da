// The budget reserve script's skip rules on a real redis-server, the script run by EVAL with the
// time (`now`) given: held, hexp and hsum get their expiry when new and keep it while in use, but
// are renewed only when due; lapsed reservations are swept only when the oldest has lapsed, and
// leave exactly what a sweep on every call left.
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

#include "policy/budget_scripts.hpp"
#include "redis_command.hpp"
#include "redis_server.hpp"

using namespace llmgw::policy;

namespace {

constexpr std::int64_t kChargeTtl = 3'600'000;

struct Redis : llmgw::testing::RedisCommand {
  using RedisCommand::RedisCommand;
  /// The reserve script on one scope (budget 1,000, nothing stored, period 0): {refused, used, headroom}.
  std::vector<long long> reserve(const std::string& id, std::int64_t amount, std::int64_t now, std::int64_t ttl) {
    std::vector<std::string> args{"EVAL", std::string(reserve_budget_script().text), "7"};
    push_reserve_keys(args, "key:r", 0);
    for (const std::string& a : {id, std::to_string(amount), std::to_string(now), std::to_string(now),
                                 std::to_string(ttl), std::to_string(kChargeTtl), std::string("1"),
                                 std::string("1000"), std::string("0"), std::string("0")})
      args.push_back(a);
    auto* r = command(args);
    std::vector<long long> out;
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    for (size_t i = 0; i < r->elements; ++i) out.push_back(r->element[i]->integer);
    freeReplyObject(r);
    return out;
  }
  long long pttl(const std::string& key) { return integer({"PTTL", key}); }
  void pexpire(const std::string& key, long long ms) { REQUIRE(integer({"PEXPIRE", key, std::to_string(ms)}) == 1); }
};

const std::string kHeld = budget_key("key:r", "held");
const std::string kHexp = budget_key("key:r", "hexp");
const std::string kHsum = budget_key("key:r", "hsum");

}  // namespace

TEST_CASE("budget reserve: held, hexp and hsum expire together, renewed only when due or new") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  const std::int64_t ttl = 100'000, full = ttl + kChargeTtl;  // half: 1,850,000 ms
  const std::int64_t now = 1'000'000;
  REQUIRE(r.reserve("a", 1, now, ttl)[2] == 1000);
  for (const auto& k : {kHeld, kHexp, kHsum}) CHECK(r.pttl(k) > full - 10'000);  // new: armed
  // More than half left: the script leaves the expiry alone (it used to renew it on every call).
  for (const auto& k : {kHeld, kHexp, kHsum}) r.pexpire(k, 2'000'000);
  REQUIRE(r.reserve("b", 1, now + 1, ttl)[2] == 999);
  for (const auto& k : {kHeld, kHexp, kHsum}) {
    CHECK(r.pttl(k) <= 2'000'000);
    CHECK(r.pttl(k) > 1'990'000);
  }
  // Less than half left (held's PTTL stands for the three): all three renewed.
  for (const auto& k : {kHeld, kHexp, kHsum}) r.pexpire(k, 1'800'000);
  REQUIRE(r.reserve("c", 1, now + 2, ttl)[2] == 998);
  for (const auto& k : {kHeld, kHexp, kHsum}) CHECK(r.pttl(k) > full - 10'000);
  // Every hold settled (held and hexp emptied, so gone) while hsum still has time: the next
  // reserve creates held and hexp again, and they never stay without an expiry.
  for (const auto& k : {kHeld, kHexp, kHsum}) r.pexpire(k, 2'000'000);
  REQUIRE(r.integer({"DEL", kHeld, kHexp}) == 2);
  REQUIRE(r.integer({"DECRBY", kHsum, "3"}) == 0);
  REQUIRE(r.reserve("d", 1, now + 3, ttl)[2] == 1000);
  for (const auto& k : {kHeld, kHexp, kHsum}) CHECK(r.pttl(k) > full - 10'000);
  // hexp alone gone (held's expiry far off): hexp is given one too.
  for (const auto& k : {kHeld, kHexp, kHsum}) r.pexpire(k, 2'000'000);
  REQUIRE(r.integer({"DEL", kHexp}) == 1);
  REQUIRE(r.reserve("e", 1, now + 4, ttl)[2] == 999);
  CHECK(r.pttl(kHexp) > 0);
}

TEST_CASE("budget reserve: lapsed reservations swept only when the oldest lapsed, as a sweep every time") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  const std::int64_t ttl = 100;
  REQUIRE(r.reserve("a", 10, 1'000, ttl)[2] == 1000);  // lapses at 1,100
  REQUIRE(r.reserve("b", 20, 1'050, ttl)[2] == 990);   // lapses at 1,150
  // Nothing lapsed yet: both still count.
  CHECK(r.reserve("c", 1, 1'099, ttl)[2] == 970);
  CHECK(r.integer({"HLEN", kHeld}) == 3);
  // a lapses at exactly 1,100 (a full sweep takes scores <= now): gone from held, hexp and hsum.
  CHECK(r.reserve("d", 1, 1'100, ttl)[2] == 1000 - 21);
  CHECK(r.integer({"HLEN", kHeld}) == 3);
  CHECK(r.integer({"ZCARD", kHexp}) == 3);
  CHECK(r.integer({"GET", kHsum}) == 22);  // a bulk string, read as its number
  // 1,149: nothing more due; 1,150: b goes.
  CHECK(r.reserve("e", 1, 1'149, ttl)[2] == 1000 - 22);
  CHECK(r.reserve("f", 1, 1'150, ttl)[2] == 1000 - 3);
  CHECK(r.integer({"HLEN", kHeld}) == 4);  // c, d, e, f
}

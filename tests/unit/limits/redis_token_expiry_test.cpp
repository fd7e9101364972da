// The token window's expiry rule on a real redis-server, the admit and finish scripts run by EVAL:
// `<scope>:tok` is renewed (PEXPIRE 61 s) only when the expiry last given (field xp) falls short of
// the end of the window the written second is in; a key of another version (no xp) or one whose
// xp is due is renewed, so the key never lapses while a live bucket is in it.
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

#include "limits/redis_scripts.hpp"
#include "redis_command.hpp"
#include "redis_server.hpp"

using namespace llmgw::limits;

namespace {

struct Redis : llmgw::testing::RedisCommand {
  using RedisCommand::RedisCommand;
  /// admit on one scope with TPM 100,000 only: its `now` ms.
  long long admit(const std::string& member, int tokens) {
    std::vector<std::string> args{"EVAL", std::string(admit_script().text), "3", redis_key("s", "req"),
                                  redis_key("s", "tok"), redis_key("s", "par"), member, std::to_string(tokens),
                                  "60000", "1", "0", "100000", "0"};
    auto* r = command(args);
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    REQUIRE(r->element[0]->integer == 1);
    const long long now = r->element[4]->integer;
    freeReplyObject(r);
    return now;
  }
  /// finish: `d` tokens more in second `b`.
  void finish(long long b, int d) {
    auto* r = command({"EVAL", std::string(finish_script().text), "1", redis_key("s", "tok"), "1", "0",
                       std::to_string(b), std::to_string(d)});
    REQUIRE(r->type == REDIS_REPLY_INTEGER);
    freeReplyObject(r);
  }
};

const std::string kTok = redis_key("s", "tok");

}  // namespace

TEST_CASE("redis limiter: the token window's key renewed only when due, never lapsing while in use") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  const long long t0 = r.admit("a", 10);
  CHECK(r.integer({"PTTL", kTok}) > 60'000);  // new: armed for 61 s
  CHECK(r.integer({"HGET", kTok, "xp"}) == t0 + 61'000);
  // Not due (xp covers this second's window): left alone, where every call used to renew it.
  REQUIRE(r.integer({"PEXPIRE", kTok, "90000"}) == 1);
  r.admit("b", 10);
  CHECK(r.integer({"PTTL", kTok}) > 61'000);
  CHECK(r.integer({"HGET", kTok, "sum"}) == 20);
  // xp due (as after a second or more): renewed, xp moved on.
  REQUIRE(r.integer({"HSET", kTok, "xp", std::to_string(t0 - 5'000)}) == 0);
  REQUIRE(r.integer({"PEXPIRE", kTok, "90000"}) == 1);
  const long long t1 = r.admit("c", 10);
  CHECK(r.integer({"PTTL", kTok}) <= 61'000);
  CHECK(r.integer({"HGET", kTok, "xp"}) == t1 + 61'000);
  // A key written by the previous version (no xp) with little time left: renewed at once.
  REQUIRE(r.integer({"HDEL", kTok, "xp"}) == 1);
  REQUIRE(r.integer({"PEXPIRE", kTok, "2000"}) == 1);
  r.admit("d", 10);
  CHECK(r.integer({"PTTL", kTok}) > 58'000);
  // finish follows the same rule: due, renewed; not due, left alone.
  REQUIRE(r.integer({"HDEL", kTok, "xp"}) == 1);
  REQUIRE(r.integer({"PEXPIRE", kTok, "2000"}) == 1);
  r.finish(t1 / 1000, 5);
  CHECK(r.integer({"PTTL", kTok}) > 58'000);
  REQUIRE(r.integer({"PEXPIRE", kTok, "90000"}) == 1);
  r.finish(t1 / 1000, 5);
  CHECK(r.integer({"PTTL", kTok}) > 61'000);
  CHECK(r.integer({"HGET", kTok, "sum"}) == 50);
  // An admit of no tokens writes nothing and leaves the expiry as it is.
  REQUIRE(r.integer({"PEXPIRE", kTok, "2000"}) == 1);
  r.admit("e", 0);
  CHECK(r.integer({"PTTL", kTok}) <= 2'000);
}

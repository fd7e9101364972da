// The joined admit-and-reserve script (policy/budget_scripts.hpp: admit_reserve_script, the
// rate limits' admit and the budget's reserve in one EVALSHA) on a real redis-server: a limit
// refusal holds no budget, a budget refusal counts no request, tokens or slot, and a call both
// admit leaves exactly the state (and the replies) of the two scripts run one after the other.
#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "limits/admission_lease.hpp"
#include "limits/redis_scripts.hpp"
#include "policy/budget_scripts.hpp"
#include "policy/settle_batch.hpp"
#include "redis_command.hpp"
#include "redis_server.hpp"

using namespace llmgw::policy;
using llmgw::limits::redis_key;

namespace {

constexpr std::int64_t kTtl = 900'000, kChargeTtl = 3'600'000;

/// One call's arguments: one limit scope `ls` (rpm, tpm, parallel), the budget scopes `bs` (each
/// budget `budget`, `stored` spent), the call `id` estimating `tokens` and reserving `amount`.
struct Call {
  std::string ls;
  std::vector<std::string> bs;
  std::string id;
  long long rpm = 0, tpm = 0, par = 0, tokens = 0, amount = 0, budget = 0, stored = 0, now = 1'000'000;
  long long lease = 0;  // the admission lease asked (calls)

  std::vector<std::string> limit_keys() const { return {redis_key(ls, "req"), redis_key(ls, "tok"), redis_key(ls, "par")}; }
  std::vector<std::string> limit_args() const {
    return {id, std::to_string(tokens), "600000", "1", std::to_string(rpm), std::to_string(tpm), std::to_string(par),
            std::to_string(lease), "64", "100000"};
  }
  std::vector<std::string> budget_keys() const {
    std::vector<std::string> k;
    for (const std::string& s : bs) push_reserve_keys(k, s, 0);
    return k;
  }
  std::vector<std::string> budget_args() const {
    std::vector<std::string> a{id, std::to_string(amount), std::to_string(now), std::to_string(now),
                               std::to_string(kTtl), std::to_string(kChargeTtl), std::to_string(bs.size())};
    for (std::size_t i = 0; i < bs.size(); ++i)
      for (long long v : {budget, stored, 0LL}) a.push_back(std::to_string(v));
    return a;
  }
};

struct Redis : llmgw::testing::RedisCommand {
  using RedisCommand::RedisCommand;

  std::vector<long long> integers(const std::vector<std::string>& args) {
    auto* r = command(args);
    INFO((r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : std::string("")));
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    std::vector<long long> out;
    for (size_t i = 0; i < r->elements; ++i) out.push_back(r->element[i]->integer);
    freeReplyObject(r);
    return out;
  }
  static void append(std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.end(), from.begin(), from.end());
  }
  /// The joined script: admit's reply (5 + 8 + 2 integers), the flag, reserve's reply.
  std::vector<long long> joined(const Call& c) {
    const auto lk = c.limit_keys(), la = c.limit_args(), bk = c.budget_keys();
    std::vector<std::string> args{"EVAL", std::string(admit_reserve_script().text), std::to_string(lk.size() + bk.size())};
    append(args, lk);
    append(args, bk);
    append(args, la);
    append(args, c.budget_args());
    return integers(args);
  }
  std::vector<long long> admit(const Call& c) {
    const auto lk = c.limit_keys();
    std::vector<std::string> args{"EVAL", std::string(llmgw::limits::admit_script().text), std::to_string(lk.size())};
    append(args, lk);
    append(args, c.limit_args());
    return integers(args);
  }
  std::vector<long long> reserve(const Call& c) {
    const auto bk = c.budget_keys();
    std::vector<std::string> args{"EVAL", std::string(reserve_budget_script().text), std::to_string(bk.size())};
    append(args, bk);
    append(args, c.budget_args());
    return integers(args);
  }

  /// Everything under `keys`, Redis' clock taken out of the limits' keys (admission ms `now`,
  /// second now / 1000): a sorted set's scores less now; a token hash's bucket seconds, lo and hi
  /// less the second, xp less now; and whether each key has an expiry.
  std::string dump(const std::vector<std::string>& keys, long long now) {
    const long long now_s = now / 1000;
    std::string out;
    for (const std::string& k : keys) {
      const bool limit = k.find(":rl:") != std::string::npos;  // (a budget's times are the caller's)
      const long long base = limit ? now : 0, base_s = limit ? now_s : 0;
      auto* t = command({"TYPE", k});
      const std::string type(t->str, t->len);
      freeReplyObject(t);
      out += "[" + type + (integer({"PTTL", k}) > 0 ? " expires]" : "]");
      if (type == "zset") {
        auto* r = command({"ZRANGE", k, "0", "-1", "WITHSCORES"});
        for (size_t i = 0; i + 1 < r->elements; i += 2)
          out += std::string(r->element[i]->str, r->element[i]->len) + "@" +
                 std::to_string(std::stoll(std::string(r->element[i + 1]->str, r->element[i + 1]->len)) - base) + " ";
        freeReplyObject(r);
      } else if (type == "hash") {
        auto* r = command({"HGETALL", k});
        std::map<std::string, std::string> fields;
        for (size_t i = 0; i + 1 < r->elements; i += 2) {
          std::string f(r->element[i]->str, r->element[i]->len), v(r->element[i + 1]->str, r->element[i + 1]->len);
          const bool second = limit && std::all_of(f.begin(), f.end(), ::isdigit);
          if (second) f = "s" + std::to_string(std::stoll(f) - base_s);
          if (limit && (f == "lo" || f == "hi")) v = std::to_string(std::stoll(v) - base_s);
          if (limit && f == "xp") v = std::to_string(std::stoll(v) - base);
          fields[f] = v;
        }
        freeReplyObject(r);
        for (const auto& [f, v] : fields) out += f + "=" + v + " ";
      } else if (type == "string") {
        out += std::to_string(integer({"GET", k}));
      }
      out += "\n";
    }
    return out;
  }
};

/// The keys of `c` with its scope names replaced, so that two calls' states line up.
std::vector<std::string> all_keys(const Call& c) {
  auto k = c.limit_keys();
  for (const std::string& b : c.budget_keys()) k.push_back(b);
  return k;
}

}  // namespace

TEST_CASE("admit and reserve: a limit refusal holds no budget") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  Call a{"key:l", {"key:b"}, "a", 1, 1000, 5, 10, 7, 1000, 0};
  std::vector<long long> first = r.joined(a);
  REQUIRE(first.size() == 5 + 8 + 2 + 1 + 3);
  CHECK(first[0] == 1);   // admitted by the limits
  CHECK(first[15] == 1);  // and by the budget: both reserved
  CHECK(first[16] == 0);
  Call b = a;
  b.id = "b";
  std::vector<long long> second = r.joined(b);
  REQUIRE(second.size() == 5 + 8 + 2 + 1);  // the limits refused: the reserve was not checked
  CHECK(second[0] == 0);
  CHECK(second[2] == 1);  // RPM
  CHECK(second[15] == -1);
  const std::string held = budget_key("key:b", "held");
  CHECK(r.integer({"HLEN", held}) == 1);
  CHECK(r.integer({"HEXISTS", held, "b"}) == 0);
  CHECK(r.integer({"ZCARD", budget_key("key:b", "hexp")}) == 1);
  CHECK(r.integer({"GET", budget_key("key:b", "hsum")}) == 7);
}

TEST_CASE("admit and reserve: a budget refusal counts no request, tokens or slot") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  // a takes the whole budget (1,000 of 1,000); b is admitted by every limit but refused by it.
  Call a{"key:l", {"key:k", "team:t"}, "a", 100, 100000, 5, 40, 1000, 1000, 0};
  REQUIRE(r.joined(a)[15] == 1);
  // (The token hash aside: its check may move the window's start `lo` when a second passes.)
  std::vector<std::string> keys = all_keys(a);
  keys.erase(keys.begin() + 1);
  const std::string before = r.dump(keys, 0);
  Call b = a;
  b.id = "b";
  std::vector<long long> refused = r.joined(b);
  REQUIRE(refused.size() == 5 + 8 + 2 + 1 + 3);
  CHECK(refused[0] == 1);    // the limits had room
  CHECK(refused[15] == 0);   // the budget refused: nothing reserved
  CHECK(refused[16] == 1);   // the key's budget (scope 1)
  CHECK(refused[17] == 1000);
  CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) == 1);
  CHECK(r.integer({"ZSCORE", redis_key("key:l", "req"), "b"}) == -100);  // (nil)
  CHECK(r.integer({"HGET", redis_key("key:l", "tok"), "sum"}) == 40);
  CHECK(r.integer({"ZCARD", redis_key("key:l", "par")}) == 1);
  CHECK(r.integer({"HLEN", budget_key("team:t", "held")}) == 1);
  CHECK(r.dump(keys, 0) == before);  // nothing else moved either
  // A budget refusal on a scope never written: no limit key is created at all.
  Call c{"key:fresh", {"key:spent"}, "c", 100, 100000, 5, 40, 1, 1000, 1000};
  std::vector<long long> spent = r.joined(c);
  CHECK(spent[15] == 0);
  for (const std::string& k : c.limit_keys()) CHECK(r.integer({"EXISTS", k}) == 0);
}

TEST_CASE("admit and reserve: both admitted leaves what admit then reserve leave") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  // The same call on two sets of scopes: joined on j, the two scripts on s. Fresh limit scopes
  // each round (Redis' clock is taken out of one admission exactly); the budgets already hold
  // another call (reserve alone, the same on both), so the reply's headroom is not the budget's.
  for (int round = 0; round < 3; ++round) {
    const std::string n = std::to_string(round);
    const std::string id = "call-" + n;
    Call j{"key:jl" + n, {"key:jk", "team:jt"}, id, 100, 100000, 5, 40 + round, 3 + round, 1000, 100};
    Call s = j;
    s.ls = "key:sl" + n;
    s.bs = {"key:sk", "team:st"};
    Call pj = j, ps = s;
    pj.id = ps.id = "pre-" + n;
    pj.amount = ps.amount = 11;
    REQUIRE(r.reserve(pj) == r.reserve(ps));
    std::vector<long long> joined = r.joined(j);
    std::vector<long long> admit = r.admit(s);
    std::vector<long long> reserve = r.reserve(s);
    REQUIRE(joined.size() == admit.size() + 1 + reserve.size());
    CHECK(joined[15] == 1);
    // (4: Redis' clock; 10: the token reset, to the end of the admission's second)
    for (std::size_t i = 0; i < admit.size(); ++i)
      if (i != 4 && i != 10) CHECK(joined[i] == admit[i]);
    CHECK(joined[10] == 60'000 - joined[4] % 1000);
    CHECK(reserve[2] == 900 - 11 * (round + 1) - (3 * round + round * (round - 1) / 2));  // the earlier holds
    for (std::size_t i = 0; i < reserve.size(); ++i) CHECK(joined[16 + i] == reserve[i]);
    CHECK(r.dump(all_keys(j), joined[4]) == r.dump(all_keys(s), admit[4]));
  }
  // The same request id again: held once (both sides admit it again, as the two scripts do).
  Call j{"key:jl0", {"key:jk", "team:jt"}, "call-0", 100, 100000, 5, 40, 3, 1000, 100};
  Call s = j;
  s.ls = "key:sl0";
  s.bs = {"key:sk", "team:st"};
  const std::vector<long long> joined = r.joined(j);
  const std::vector<long long> admit = r.admit(s);
  const std::vector<long long> reserve = r.reserve(s);
  CHECK(joined[15] == 1);
  CHECK(reserve == std::vector<long long>{0, 0, -1});
  CHECK(std::vector<long long>(joined.begin() + 16, joined.end()) == reserve);
  for (std::size_t i = 5; i < 13; ++i)
    if (i != 10) CHECK(joined[i] == admit[i]);
  CHECK(r.dump(j.budget_keys(), 0) == r.dump(s.budget_keys(), 0));
}

namespace {

/// Waits until Redis' clock is early in its second (a lease is sized to what is left of it).
void early_in_second(Redis& r) {
  for (;;) {
    auto* t = r.command({"TIME"});
    const long long ms = std::stoll(std::string(t->element[1]->str, t->element[1]->len)) / 1000;
    freeReplyObject(t);
    if (ms < 500) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1010 - ms));
  }
}

void run(Redis& r, const std::vector<std::string>& argv) {
  auto* reply = r.command(argv);
  INFO((reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len) : std::string()));
  CHECK(reply->type == REDIS_REPLY_INTEGER);
  freeReplyObject(reply);
}

}  // namespace

TEST_CASE("admit and reserve: an admission lease holds k × the amount; settles and its return take it to 0") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  for (int order = 0; order < 2; ++order) {
    r.run({"FLUSHALL"});
    early_in_second(r);
    Call a{"key:l", {"key:k", "team:t"}, "a", 100'000, 0, 0, 0, 1000, 1'000'000'000, 0};
    a.lease = 32;
    const std::vector<long long> j = r.joined(a);
    REQUIRE(j.size() == 5 + 8 + 2 + 1 + 3);
    REQUIRE(j[15] == 1);
    REQUIRE(j[13] == 32);
    const long long now = j[4];
    for (const std::string& s : a.bs) {
      CHECK(r.integer({"HGET", budget_key(s, "held"), "lease:a"}) == 32 * 1000);
      CHECK(r.integer({"HGET", budget_key(s, "held"), "a"}) == 1000);
      CHECK(r.integer({"GET", budget_key(s, "hsum")}) == 33 * 1000);
      CHECK(r.integer({"ZSCORE", budget_key(s, "hexp"), "lease:a"}) == a.now + kTtl);  // (the caller's clock)
    }
    CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) == 33);
    // Three calls admitted from the lease, and the granting call, settle; the lease gives back the
    // rest (29 calls' worth) before (order 0) or after (order 1) the last of them.
    using Settle = SettleBatch::Settle;
    const std::vector<std::string> both{"key:k", "team:t"};
    const std::vector<std::int64_t> periods{0, 0};
    const SettleBatch::Expiry expiry{kTtl + kChargeTtl, kChargeTtl};
    std::vector<Settle> first{Settle{"a", 800, now, both, periods, {}, 0},
                              Settle{"x1", 900, now, both, periods, "lease:a", 1000},
                              Settle{"x2", 0, now, both, periods, "lease:a", 1000}};
    const Settle last{"x3", 1200, now, both, periods, "lease:a", 1000};
    for (const auto& argv : SettleBatch::scripts(first, expiry, 64)) run(r, argv);
    CHECK(r.integer({"HGET", budget_key("key:k", "held"), "lease:a"}) == 30 * 1000);
    CHECK(r.integer({"GET", budget_key("key:k", "hsum")}) == 30 * 1000);
    llmgw::limits::Lease l;
    l.id = "a";
    l.scopes = {llmgw::limits::Scope{llmgw::limits::ScopeKind::key, "key:l", 100'000, 0, 0}};
    for (const std::string& s : a.bs)
      for (const char* k : {"held", "hexp", "hsum"}) l.hold_keys.push_back(budget_key(s, k));
    l.second = now / 1000;
    l.granted = 32;
    l.used = 3;
    l.hold = 32 * 1000;
    l.hold_used = 3 * 1000;
    if (order == 0) run(r, llmgw::limits::LeaseBook::return_script(l));
    for (const auto& argv : SettleBatch::scripts({last}, expiry, 64)) run(r, argv);
    if (order == 1) run(r, llmgw::limits::LeaseBook::return_script(l));
    for (const std::string& s : a.bs) {
      CHECK(r.integer({"HLEN", budget_key(s, "held")}) == 0);  // the lease's hold gone at 0
      CHECK(r.integer({"GET", budget_key(s, "hsum")}) == 0);
      CHECK(r.integer({"ZCARD", budget_key(s, "hexp")}) == 0);
      // Every call charged its cost (the lease's calls too): 800 + 900 + 1200.
      CHECK(r.integer({"HGET", budget_period_key(s, 0, "tot"), "unc"}) == 2900);
      CHECK(r.integer({"HLEN", budget_period_key(s, 0, "ucost")}) == 3);
    }
    CHECK(r.integer({"ZCARD", redis_key("key:l", "req")}) == 4);
  }
}

TEST_CASE("admit and reserve: no admission lease near a budget") {
  llmgw::test::RedisServer server;
  Redis r(server.port());
  early_in_second(r);
  // 600 calls' worth: (600,000 − 1,000) / 1,000 / 64 = 9; 500 calls' worth: 7 (under 8: none).
  Call a{"key:l1", {"key:k1"}, "a", 100'000, 0, 0, 0, 1000, 600'000, 0};
  a.lease = 32;
  const std::vector<long long> ja = r.joined(a);
  CHECK(ja[13] == 9);
  CHECK(r.integer({"HGET", budget_key("key:k1", "held"), "lease:a"}) == 9000);
  Call b{"key:l2", {"key:k2"}, "b", 100'000, 0, 0, 0, 1000, 500'000, 0};
  b.lease = 32;
  const std::vector<long long> jb = r.joined(b);
  REQUIRE(jb[15] == 1);
  CHECK(jb[13] == 0);
  CHECK(r.integer({"HLEN", budget_key("key:k2", "held")}) == 1);
  CHECK(r.integer({"ZCARD", redis_key("key:l2", "req")}) == 1);
  // Refused by the budget: no lease either, nothing counted.
  Call c{"key:l3", {"key:k3"}, "c", 100'000, 0, 0, 0, 1000, 1000, 1000};
  c.lease = 32;
  const std::vector<long long> jc = r.joined(c);
  CHECK(jc[15] == 0);
  CHECK(jc[13] == 0);
  CHECK(r.integer({"EXISTS", redis_key("key:l3", "req")}) == 0);
}

// The period reset of stored spend over a real SQLite store, time injected: a key whose reset
// time passed gets the spend of its new period (0, or what the ledger already holds since its
// start) and its next reset time; a key not due and a key with no period are left alone; a
// second run resets nothing twice.
#include <catch2/catch.hpp>

#include "../store/test_database.hpp"
#include "policy/budget_reset.hpp"
#include "store/key_repository.hpp"
#include "store/ledger_store.hpp"
#include "store/team_repository.hpp"

using namespace llmgw;

namespace {

constexpr std::int64_t kHour = 3'600'000;

store::KeyRecord key(const std::string& hash, std::string period, std::int64_t reset_at, std::int64_t spend) {
  store::KeyRecord k;
  k.key_hash = hash;
  k.limits.budget_nano_usd = 1'000'000'000;
  k.limits.budget_period = std::move(period);
  k.limits.budget_reset_at = reset_at;
  k.limits.spend_nano_usd = spend;
  return k;
}

}  // namespace

TEST_CASE("budget reset: stored spend returns to the new period's on schedule") {
  test::MigratedDatabase m = test::migrated_database();
  store::KeyRepository keys(m.session);
  const std::int64_t t0 = 1'800'000'000'000;  // the period's end
  REQUIRE(keys.create(key("due", "1h", t0, 500)));
  REQUIRE(keys.create(key("later", "1h", t0 + kHour, 400)));
  REQUIRE(keys.create(key("never", "", 0, 300)));
  store::TeamRecord team;
  team.team_id = "t1";
  team.limits.budget_nano_usd = 10;
  team.limits.budget_period = "30d";
  team.limits.budget_reset_at = t0;
  team.limits.spend_nano_usd = 9;
  REQUIRE(store::TeamRepository(m.session).create(team));
  // A row of the new period already written for "due" (written before the reset ran).
  store::LedgerRow row;
  row.request_id = "r1";
  row.key_hash = "due";
  row.cost_nano_usd = 25;
  row.created_at = t0 + 10;
  store::LedgerStore(m.session, m.test->db->dialect()).insert({row});  // spend 525 now

  CHECK(policy::reset_due_budgets(m.session, t0 - 1) == 0);
  CHECK(policy::reset_due_budgets(m.session, t0 + 60'000) == 2);
  auto due = keys.get("due");
  REQUIRE(due);
  CHECK(due->limits.spend_nano_usd == 25);
  CHECK(due->limits.budget_reset_at == t0 + kHour);
  CHECK(due->updated_at == t0 + 60'000);
  CHECK(keys.get("later")->limits.spend_nano_usd == 400);
  CHECK(keys.get("never")->limits.spend_nano_usd == 300);
  auto t = store::TeamRepository(m.session).get("t1");
  REQUIRE(t);
  CHECK(t->limits.spend_nano_usd == 0);
  CHECK(t->limits.budget_reset_at == t0 + 30 * 24 * kHour);
  // Nothing is due twice.
  CHECK(policy::reset_due_budgets(m.session, t0 + 120'000) == 0);
  // Several periods later: the next reset is the first one after now.
  CHECK(policy::reset_due_budgets(m.session, t0 + 3 * kHour + 5) == 2);  // "due" and "later"
  CHECK(keys.get("due")->limits.budget_reset_at == t0 + 4 * kHour);
  CHECK(keys.get("due")->limits.spend_nano_usd == 0);
}

#include <catch2/catch.hpp>

#include "store/key_repository.hpp"
#include "store/ledger_store.hpp"
#include "store/team_repository.hpp"
#include "test_database.hpp"

using namespace llmgw;

namespace {

store::LedgerRow row(int i, const std::string& key = "", const std::string& team = "") {
  store::LedgerRow r;
  r.request_id = "req-" + std::to_string(i);
  r.key_hash = key;
  r.team_id = team;
  r.alias = "gpt-4o";
  r.deployment = "gpt-4o#0";
  r.provider = "openai";
  r.input_tokens = 1000 + i;
  r.output_tokens = 200;
  r.cached_read_tokens = 512;
  r.cache_write_tokens = 0;
  r.reasoning_tokens = 64;
  r.cost_nano_usd = 1'000'000 + i;
  r.latency_ms = 850;
  r.ttft_ms = 120;
  r.status = 200;
  r.created_at = 1'700'000'000'000 + i;
  return r;
}

/// A key of `key_hash` in team `team_id`, and the team, created with these updated_at values.
void create_key_and_team(store::KeyRepository& keys, store::TeamRepository& teams, const std::string& key_hash,
                         const std::string& team_id, std::int64_t key_updated_at = 0, std::int64_t team_updated_at = 0) {
  store::KeyRecord k;
  k.key_hash = key_hash;
  k.team_id = team_id;
  k.updated_at = key_updated_at;
  REQUIRE(keys.create(k));
  store::TeamRecord t;
  t.team_id = team_id;
  t.updated_at = team_updated_at;
  REQUIRE(teams.create(t));
}

}  // namespace

TEST_CASE("ledger insert stores every field and is idempotent on request_id", "[store][db]") {
  auto m = test::migrated_database();
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  std::vector<store::LedgerRow> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(row(i));
  CHECK(ledger.insert(rows) == 10);
  CHECK(ledger.count() == 10);
  auto got = ledger.get("req-3");
  REQUIRE(got);
  CHECK(*got == rows[3]);

  // The same rows again, mixed with new ones: only the new ones are stored.
  rows.push_back(row(10));
  rows.push_back(row(11));
  CHECK(ledger.insert(rows) == 2);
  CHECK(ledger.count() == 12);
  std::int64_t expected = 0;
  for (const auto& r : rows) expected += r.cost_nano_usd;
  CHECK(ledger.total_cost_nano_usd() == expected);
  CHECK(ledger.insert({}) == 0);
}

TEST_CASE("ledger insert adds each new row's cost to its key and team once", "[store][db]") {
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  store::TeamRepository teams(m.session);
  store::KeyRecord k;
  k.key_hash = std::string(64, 'e');
  create_key_and_team(keys, teams, k.key_hash, "t1");
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  std::vector<store::LedgerRow> rows{row(1, k.key_hash, "t1"), row(2, k.key_hash, "t1"), row(3, "", "t1")};
  CHECK(ledger.insert(rows) == 3);
  CHECK(ledger.insert(rows) == 0);  // replayed: spend unchanged
  CHECK(keys.get(k.key_hash)->limits.spend_nano_usd == rows[0].cost_nano_usd + rows[1].cost_nano_usd);
  CHECK(teams.get("t1")->limits.spend_nano_usd ==
        rows[0].cost_nano_usd + rows[1].cost_nano_usd + rows[2].cost_nano_usd);
}

TEST_CASE("ledger insert: stored rows and repeats anywhere in a large batch are stored and charged once", "[store][db]") {
  // SQLite writes a batch in statements of 64, 16, 4 and 1 rows: repeats in every one of them,
  // of rows stored before and of rows earlier in the batch (a different cost: the first wins).
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  store::KeyRecord k;
  k.key_hash = std::string(64, 'f');
  REQUIRE(keys.create(k));
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  std::vector<store::LedgerRow> first;
  for (int i = 0; i < 300; i += 7) first.push_back(row(i, k.key_hash));
  CHECK(ledger.insert(first) == first.size());
  std::vector<store::LedgerRow> batch;
  std::int64_t charged = 0;
  std::size_t fresh = 0;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(row(i, k.key_hash));
    if (i % 7 != 0) {
      charged += batch.back().cost_nano_usd;
      ++fresh;
    }
    if (i % 11 == 3) {  // the same request again, right away, with another cost
      store::LedgerRow again = row(i, k.key_hash);
      again.cost_nano_usd += 5;
      batch.push_back(again);
    }
  }
  batch.push_back(row(5, k.key_hash));  // the last, single-row statement: a repeat too
  REQUIRE(batch.size() % 64 != 0);
  CHECK(ledger.insert(batch) == fresh);
  CHECK(ledger.count() == 300);
  std::int64_t all = charged;
  for (const auto& r : first) all += r.cost_nano_usd;
  CHECK(ledger.total_cost_nano_usd() == all);
  CHECK(keys.get(k.key_hash)->limits.spend_nano_usd == all);
  CHECK(ledger.get("req-14")->cost_nano_usd == row(14).cost_nano_usd);  // stored before, repeated in the batch
  CHECK(ledger.get("req-3")->cost_nano_usd == row(3).cost_nano_usd);    // twice in the batch: the first
  CHECK(ledger.insert(batch) == 0);
  CHECK(keys.get(k.key_hash)->limits.spend_nano_usd == all);
}

TEST_CASE("ledger insert: a batch of hundreds of rows, edge values, reads back unchanged", "[store][db]") {
  // SQLite runs one statement prepared for the whole batch (store/sqlite_ledger_insert): every
  // row must come back as written, bound afresh each time (no value left from the row before).
  auto m = test::migrated_database();
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  std::vector<store::LedgerRow> rows;
  for (int i = 0; i < 300; ++i) {
    store::LedgerRow r = row(i, i % 3 ? std::string(64, 'a' + i % 6) : "", i % 2 ? "team-" + std::to_string(i) : "");
    if (i % 5 == 0) r.alias = "o'brien \"quoted\" — ünïcode";
    if (i % 7 == 0) r.provider.clear();
    if (i % 11 == 0) {
      r.input_tokens = INT64_MAX;
      r.cost_nano_usd = 0;
      r.ttft_ms = -1;
      r.created_at = INT64_MIN;
    }
    rows.push_back(std::move(r));
  }
  CHECK(ledger.insert(rows) == 300);
  CHECK(ledger.count() == 300);
  for (const auto& r : rows) {
    auto got = ledger.get(r.request_id);
    REQUIRE(got);
    CHECK(*got == r);
  }
  // Again, with one new row in the middle: only it is stored, and as written.
  rows.insert(rows.begin() + 150, row(1000, "", "t"));
  CHECK(ledger.insert(rows) == 1);
  CHECK(ledger.count() == 301);
  CHECK(*ledger.get("req-1000") == rows[150]);
}

TEST_CASE("ledger insert stamps each raised row past its last updated_at and reports the stamp", "[store][db]") {
  auto m = test::migrated_database();
  store::KeyRepository keys(m.session);
  store::TeamRepository teams(m.session);
  const std::string key_hash(64, 'f');
  // A row stamped far ahead of the clock (another instance's clock, or many commits in one ms):
  // the next stamp still goes past it, so the row's stamps follow its commits.
  const std::int64_t ahead = 4'000'000'000'000;
  create_key_and_team(keys, teams, key_hash, "t2", ahead, 5);
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  store::SpendStamps first;
  REQUIRE(ledger.insert({row(10, key_hash, "t2"), row(11, key_hash, "t2"), row(12)}, &first) == 3);
  REQUIRE(first.keys.size() == 1);
  REQUIRE(first.teams.size() == 1);
  CHECK(first.keys.at(key_hash) == ahead + 1);
  CHECK(first.teams.at("t2") > 5);  // the clock's now
  // Each stamp is what the row now says (a key cache reading it has the batch in its spend).
  CHECK(keys.get(key_hash)->updated_at == first.keys.at(key_hash));
  CHECK(teams.get("t2")->updated_at == first.teams.at("t2"));
  // Two batches within one millisecond: strictly increasing stamps.
  store::SpendStamps second, third;
  REQUIRE(ledger.insert({row(13, "", "t2")}, &second) == 1);
  REQUIRE(ledger.insert({row(14, "", "t2")}, &third) == 1);
  CHECK(second.keys.empty());
  CHECK(second.teams.at("t2") > first.teams.at("t2"));
  CHECK(third.teams.at("t2") > second.teams.at("t2"));
  // A replayed batch raises nothing and stamps nothing.
  store::SpendStamps replayed;
  CHECK(ledger.insert({row(13, "", "t2")}, &replayed) == 0);
  CHECK(replayed.teams.empty());
}

#include <catch2/catch.hpp>

#include "store/ledger_store.hpp"
#include "store/spend_queries.hpp"
#include "test_database.hpp"

using namespace llmgw;

namespace {

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t kDec6 = 1796515200000;  // 2026-12-06T00:00:00Z

store::LedgerRow row(const std::string& id, const std::string& key, const std::string& team, const std::string& alias,
                     std::int64_t at, std::int64_t cost) {
  store::LedgerRow r;
  r.request_id = id;
  r.key_hash = key;
  r.team_id = team;
  r.alias = alias;
  r.input_tokens = 100;
  r.output_tokens = 10;
  r.cached_read_tokens = 40;
  r.cache_write_tokens = 5;
  r.reasoning_tokens = 2;
  r.cost_nano_usd = cost;
  r.created_at = at;
  return r;
}

std::vector<store::LedgerRow> sample() {
  return {
      row("r1", "k1", "t1", "gpt-4o", kDec6 + 1000, 100),
      row("r2", "k1", "t1", "claude", kDec6 + 2000, 200),
      row("r3", "k2", "t1", "gpt-4o", kDec6 + kDay + 5, 400),
      row("r4", "k2", "t2", "gpt-4o", kDec6 + kDay + 6, 800),
      row("r5", "k3", "", "claude", kDec6 + 2 * kDay, 1600),
  };
}

}  // namespace

TEST_CASE("spend logs: filters, newest first, pages", "[store][db][spend]") {
  auto m = test::migrated_database();
  store::LedgerStore(m.session, m.test->db->dialect()).insert(sample());
  auto all = store::spend_logs(m.session, {});
  REQUIRE(all.size() == 5);
  CHECK(all[0].request_id == "r5");
  CHECK(all[4].request_id == "r1");
  CHECK(all[4] == sample()[0]);

  store::SpendFilter f;
  f.key_hash = "k2";
  auto k2 = store::spend_logs(m.session, f);
  REQUIRE(k2.size() == 2);
  CHECK(k2[0].request_id == "r4");

  f = {};
  f.from = kDec6 + kDay;
  f.to = kDec6 + 2 * kDay;  // the second day only
  auto day2 = store::spend_logs(m.session, f);
  REQUIRE(day2.size() == 2);
  CHECK(day2[1].request_id == "r3");

  f = {};
  f.alias = "gpt-4o";
  f.team_id = "t1";
  CHECK(store::spend_logs(m.session, f).size() == 2);

  f = {};
  f.limit = 2;
  f.offset = 2;
  auto page = store::spend_logs(m.session, f);
  REQUIRE(page.size() == 2);
  CHECK(page[0].request_id == "r3");
  CHECK(page[1].request_id == "r2");
}

TEST_CASE("spend report: totals by key, team, model and day with the token split", "[store][db][spend]") {
  auto m = test::migrated_database();
  store::LedgerStore(m.session, m.test->db->dialect()).insert(sample());

  auto by_key = store::spend_report(m.session, store::SpendGroup::key, {});
  REQUIRE(by_key.size() == 3);
  CHECK(by_key[0].group == "k1");
  CHECK(by_key[0].requests == 2);
  CHECK(by_key[0].cost_nano_usd == 300);
  CHECK(by_key[0].input_tokens == 200);
  CHECK(by_key[0].output_tokens == 20);
  CHECK(by_key[0].cached_read_tokens == 80);
  CHECK(by_key[0].cache_write_tokens == 10);
  CHECK(by_key[0].reasoning_tokens == 4);
  CHECK(by_key[1].cost_nano_usd == 1200);
  CHECK(by_key[2].cost_nano_usd == 1600);

  auto by_team = store::spend_report(m.session, store::SpendGroup::team, {});
  REQUIRE(by_team.size() == 3);
  CHECK(by_team[0].group == "");  // calls without a team
  CHECK(by_team[0].cost_nano_usd == 1600);
  CHECK(by_team[1].group == "t1");
  CHECK(by_team[1].cost_nano_usd == 700);
  CHECK(by_team[2].cost_nano_usd == 800);

  auto by_model = store::spend_report(m.session, store::SpendGroup::model, {});
  REQUIRE(by_model.size() == 2);
  CHECK(by_model[0].group == "claude");
  CHECK(by_model[0].cost_nano_usd == 1800);
  CHECK(by_model[1].cost_nano_usd == 1300);

  auto by_day = store::spend_report(m.session, store::SpendGroup::day, {});
  REQUIRE(by_day.size() == 3);
  CHECK(by_day[0].group == "2026-12-06");
  CHECK(by_day[0].cost_nano_usd == 300);
  CHECK(by_day[1].group == "2026-12-07");
  CHECK(by_day[1].requests == 2);
  CHECK(by_day[2].group == "2026-12-08");

  store::SpendFilter f;
  f.team_id = "t1";
  auto t1_by_day = store::spend_report(m.session, store::SpendGroup::day, f);
  REQUIRE(t1_by_day.size() == 2);
  CHECK(t1_by_day[1].cost_nano_usd == 400);
  CHECK(store::spend_report(m.session, store::SpendGroup::key, [] {
          store::SpendFilter none;
          none.key_hash = "nobody";
          return none;
        }()).empty());
}

TEST_CASE("daily spend: the query groups by day, team, key and model, filters bound in order", "[store][spend]") {
  store::SpendFilter f;
  const std::string plain = store::spend_by_day_sql(f);
  CHECK(plain.find("GROUP BY d, team_id, key_hash, alias ORDER BY d, team_id, key_hash, alias") != std::string::npos);
  CHECK(plain.find("created_at / 86400000 AS d") != std::string::npos);
  CHECK(plain.find('?') == std::string::npos);
  f.key_hash.append("k");  // (not operator=: GCC 12 warns -Wrestrict on it here)
  f.from = 1;
  f.to = 2;
  const std::string filtered = store::spend_by_day_sql(f);
  CHECK(filtered.find("WHERE 1 = 1 AND key_hash = ? AND created_at >= ? AND created_at < ?") != std::string::npos);
}

TEST_CASE("daily spend: cells per day, team, key and model with the token split", "[store][db][spend]") {
  auto m = test::migrated_database();
  auto rows = sample();
  rows.push_back(row("r6", "k1", "t1", "gpt-4o", kDec6 + 3000, 1));  // same cell as r1
  store::LedgerStore(m.session, m.test->db->dialect()).insert(rows);
  const auto cells = store::spend_by_day(m.session, {});
  REQUIRE(cells.size() == 5);
  CHECK(cells[0].total.group == "2026-12-06");
  CHECK(cells[0].team_id == "t1");
  CHECK(cells[0].key_hash == "k1");
  CHECK(cells[0].alias == "claude");
  CHECK(cells[0].total.cost_nano_usd == 200);
  CHECK(cells[1].alias == "gpt-4o");
  CHECK(cells[1].total.requests == 2);
  CHECK(cells[1].total.cost_nano_usd == 101);
  CHECK(cells[1].total.input_tokens == 200);
  CHECK(cells[1].total.output_tokens == 20);
  CHECK(cells[1].total.cached_read_tokens == 80);
  CHECK(cells[1].total.cache_write_tokens == 10);
  CHECK(cells[1].total.reasoning_tokens == 4);
  CHECK(cells[2].total.group == "2026-12-07");
  CHECK(cells[2].team_id == "t1");
  CHECK(cells[3].team_id == "t2");
  CHECK(cells[4].total.group == "2026-12-08");
  CHECK(cells[4].team_id.empty());
  store::SpendFilter f;
  f.from = kDec6 + kDay;
  f.to = kDec6 + 2 * kDay;
  CHECK(store::spend_by_day(m.session, f).size() == 2);
}

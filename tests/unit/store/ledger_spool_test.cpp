#include <catch2/catch.hpp>

#include <fstream>

#include "store/ledger_row_json.hpp"
#include "store/ledger_spool.hpp"
#include "test_database.hpp"

using namespace llmgw;

namespace {

store::LedgerRow row(int i) {
  store::LedgerRow r;
  r.request_id = "spool-" + std::to_string(i);
  r.key_hash = std::string(64, 'f');
  r.alias = "claude \"sonnet\"\n";  // needs escaping
  r.input_tokens = i;
  r.cost_nano_usd = 1'000'000'000'000 + i;
  r.ttft_ms = -1;
  r.created_at = 42;
  return r;
}

std::vector<store::LedgerRow> replay_all(store::LedgerSpool& spool, std::size_t chunk = 3) {
  std::vector<store::LedgerRow> out;
  spool.replay([&](const std::vector<store::LedgerRow>& rows) { out.insert(out.end(), rows.begin(), rows.end()); },
               chunk);
  return out;
}

}  // namespace

TEST_CASE("a ledger row survives its JSON line", "[store][spool]") {
  std::string line;
  store::append_json_line(row(7), line);
  REQUIRE(line.back() == '\n');
  line.pop_back();
  CHECK(line.find('\n') == std::string::npos);
  auto back = store::parse_json_line(line);
  REQUIRE(back);
  CHECK(*back == row(7));
  CHECK_FALSE(store::parse_json_line(line.substr(0, line.size() / 2)));
  CHECK_FALSE(store::parse_json_line("{}"));
  CHECK_FALSE(store::parse_json_line("[[[[[[[[[[[[[[[["));
  CHECK_FALSE(store::parse_json_line(R"({"request_id":"x"})"));
}

TEST_CASE("the spool appends, replays in chunks and empties", "[store][spool]") {
  test::TempDir dir;
  store::LedgerSpool spool((dir.path() / "ledger.spool").string(), 1 << 20);
  CHECK(spool.empty());
  CHECK(replay_all(spool).empty());
  CHECK(spool.append({row(1), row(2)}) == 2);
  CHECK(spool.append({row(3), row(4), row(5)}) == 3);
  CHECK_FALSE(spool.empty());
  auto rows = replay_all(spool, 2);
  REQUIRE(rows.size() == 5);
  for (int i = 0; i < 5; ++i) CHECK(rows[i] == row(i + 1));
  CHECK(spool.empty());
}

TEST_CASE("a failed replay keeps every row not yet written", "[store][spool]") {
  test::TempDir dir;
  store::LedgerSpool spool((dir.path() / "ledger.spool").string(), 1 << 20);
  spool.append({row(1), row(2), row(3), row(4)});
  int calls = 0;
  CHECK_THROWS(spool.replay(
      [&](const std::vector<store::LedgerRow>&) {
        if (++calls == 2) throw std::runtime_error("database gone");
      },
      2));
  // The file is untouched: after a restart all four come back (the first two are then
  // duplicates the ledger ignores); this spool goes on after the two that were written.
  store::LedgerSpool after_restart(spool.path(), 1 << 20);
  std::size_t seen = 0;
  after_restart.replay_some([&](const std::vector<store::LedgerRow>& r) { seen += r.size(); }, 2, 100);
  CHECK(seen == 4);
}

TEST_CASE("after a failed write the same spool resumes at the failed chunk", "[store][spool]") {
  test::TempDir dir;
  store::LedgerSpool spool((dir.path() / "ledger.spool").string(), 1 << 20);
  spool.append({row(1), row(2), row(3), row(4)});
  int calls = 0;
  CHECK_THROWS(spool.replay(
      [&](const std::vector<store::LedgerRow>&) {
        if (++calls == 2) throw std::runtime_error("database gone");
      },
      2));
  auto rest = replay_all(spool, 2);
  REQUIRE(rest.size() == 2);
  CHECK(rest[0] == row(3));
  CHECK(spool.empty());
}

TEST_CASE("the spool is bounded: rows beyond max_bytes are refused", "[store][spool]") {
  test::TempDir dir;
  std::string one;
  store::append_json_line(row(1), one);
  store::LedgerSpool spool((dir.path() / "ledger.spool").string(), one.size() * 3 + 1);
  CHECK(spool.append({row(1), row(2)}) == 2);
  CHECK(spool.append({row(3), row(4)}) == 1);
  CHECK(spool.append({row(5)}) == 0);
  CHECK(replay_all(spool).size() == 3);
}

TEST_CASE("a torn last line is skipped and does not swallow the next row", "[store][spool]") {
  test::TempDir dir;
  const auto path = dir.path() / "ledger.spool";
  store::LedgerSpool spool(path.string(), 1 << 20);
  spool.append({row(1)});
  {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << R"({"request_id":"torn","key_ha)";  // a crash mid-write
  }
  spool.append({row(2)});
  auto rows = replay_all(spool);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == row(1));
  CHECK(rows[1] == row(2));
  CHECK(spool.corrupt_lines() == 1);
}

TEST_CASE("the spool replays in slices, each from where the last stopped", "[store][spool]") {
  test::TempDir dir;
  store::LedgerSpool spool((dir.path() / "ledger.spool").string(), 1 << 20);
  std::vector<store::LedgerRow> rows;
  for (int i = 0; i < 10; ++i) rows.push_back(row(i));
  REQUIRE(spool.append(rows) == 10);
  std::vector<store::LedgerRow> got;
  auto take = [&](const std::vector<store::LedgerRow>& r) { got.insert(got.end(), r.begin(), r.end()); };
  auto p = spool.replay_some(take, 2, 4);
  CHECK(p.handed == 4);
  CHECK_FALSE(p.done);
  // A failed write leaves the position: the same rows come again.
  CHECK_THROWS(spool.replay_some([](const std::vector<store::LedgerRow>&) { throw std::runtime_error("down"); }, 2, 4));
  // Rows spooled meanwhile are replayed too, after the others.
  REQUIRE(spool.append({row(10)}) == 1);
  p = spool.replay_some(take, 2, 4);
  CHECK(p.handed == 4);
  p = spool.replay_some(take, 2, 4);
  CHECK(p.handed == 3);
  CHECK(p.done);
  CHECK(spool.empty());
  REQUIRE(got.size() == 11);
  for (int i = 0; i < 11; ++i) CHECK(got[i] == row(i));
}

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <thread>

#include "read_only_file.hpp"
#include "store/ledger_spool.hpp"
#include "store/ledger_store.hpp"
#include "store/ledger_writer.hpp"
#include "store/migrations.hpp"
#include "test_database.hpp"

using namespace llmgw;
using namespace std::chrono_literals;

namespace {

store::LedgerRow row(int i) {
  store::LedgerRow r;
  r.request_id = "w-" + std::to_string(i);
  r.alias = "gpt-4o-mini";
  r.input_tokens = 100 + i;
  r.output_tokens = 10;
  r.cost_nano_usd = 21'000 + i;
  r.status = 200;
  r.created_at = 1'700'000'000'000 + i;
  return r;
}

std::int64_t cost_sum(int from, int to) {
  std::int64_t s = 0;
  for (int i = from; i < to; ++i) s += row(i).cost_nano_usd;
  return s;
}

store::LedgerWriterOptions options(const test::TestDatabase& t) {
  store::LedgerWriterOptions o;
  o.spool_path = (t.dir.path() / "ledger.spool").string();
  o.batch_size = 64;
  o.flush_interval = 20ms;
  o.retry_interval = 50ms;
  o.max_retry_interval = 200ms;
  return o;
}

/// Flushes until `done` holds (the writer retries a failed database on its own schedule).
template <typename F>
bool eventually(store::LedgerWriter& w, F done) {
  for (int i = 0; i < 200; ++i) {
    w.flush(1s);
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("the ledger writer batches rows into the database", "[store][db][writer]") {
  auto m = test::migrated_database();
  store::LedgerWriter w(*m.test->db, options(*m.test));
  for (int i = 0; i < 1000; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(w.flush(10s));
  auto s = w.stats();
  CHECK(s.queued == 1000);
  CHECK(s.written == 1000);
  CHECK(s.dropped == 0);
  CHECK(s.spooled == 0);
  CHECK(s.spool_rows == 0);
  CHECK(s.spool_bytes == 0);
  // 1000 rows in batches of at most 64: at least 16 batches, each timed in one bucket or above all.
  CHECK(s.batches >= 16);
  std::uint64_t bucketed = 0;
  for (auto n : s.batch_buckets) bucketed += n;
  CHECK(bucketed <= s.batches);
  CHECK(s.batch_us > 0);
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  CHECK(ledger.count() == 1000);
  CHECK(ledger.total_cost_nano_usd() == cost_sum(0, 1000));
  // Pushed again (a retried request_id): stored once.
  for (int i = 0; i < 10; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(w.flush(10s));
  CHECK(w.stats().duplicates == 10);
  CHECK(ledger.count() == 1000);
}

TEST_CASE("rows arriving while a partial batch is written wait for the next wake, in one batch", "[store][db][writer]") {
  auto m = test::migrated_database();
  auto o = options(*m.test);
  o.flush_interval = 60s;  // the writer sleeps: only flush() wakes it
  std::atomic<store::LedgerWriter*> writer{nullptr};
  std::atomic<int> calls{0};
  // Rows pushed during the first batch's write (from its on_written, on the writer thread).
  o.on_written = [&](const std::vector<store::LedgerRow>&, const store::SpendStamps&) {
    if (calls.fetch_add(1) == 0)
      for (int i = 100; i < 103; ++i) writer.load()->try_push(row(i));
  };
  store::LedgerWriter w(*m.test->db, o);
  writer = &w;
  for (int i = 0; i < 5; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(w.flush(10s));
  // The partial batch emptied the queue: the three rows that came during its write are not
  // written in a second, smaller batch of the same wake.
  CHECK(w.stats().batches == 1);
  CHECK(w.stats().written == 5);
  REQUIRE(w.flush(10s));
  CHECK(w.stats().batches == 2);
  CHECK(w.stats().written == 8);
  // A full batch is followed at once by the rest of the queue.
  for (int i = 200; i < 200 + 64 + 10; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(w.flush(10s));
  CHECK(w.stats().batches == 4);
  CHECK(w.stats().written == 8 + 74);
}

TEST_CASE("a full queue drops and counts, never blocks", "[store][db][writer]") {
  auto m = test::migrated_database();
  auto o = options(*m.test);
  o.queue_capacity = 8;
  o.flush_interval = 60s;  // the writer sleeps: nothing drains the queue until flush()
  store::LedgerWriter w(*m.test->db, o);
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += w.try_push(row(i)) ? 1 : 0;
  CHECK(accepted == 8);
  CHECK(w.stats().dropped == 12);
  REQUIRE(w.flush(10s));
  CHECK(w.stats().written == 8);
  w.stop();
  CHECK_FALSE(w.try_push(row(99)));  // after stop: refused, counted
  CHECK(w.stats().dropped == 13);
}

TEST_CASE("a read-only SQLite file: rows are spooled, then replayed once it is writable", "[store][sqlite][writer]") {
  auto t = test::fresh_database();
  REQUIRE(t->sqlite());
  {
    auto s = t->db->open();
    store::migrate(s, t->db->dialect());
  }
  test::ReadOnlyFile ro(t->sqlite_file());
  std::string why;
  if (!ro.make_read_only(why)) {
    WARN("skipped: " << why);
    return;
  }
  store::LedgerWriter w(*t->db, options(*t));
  for (int i = 0; i < 300; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(w.flush(10s));
  auto s = w.stats();
  CHECK(s.spooled == 300);
  CHECK(s.written == 0);
  CHECK(s.db_failures >= 1);
  CHECK(w.database_down());
  store::LedgerSpool peek(options(*t).spool_path, 1);
  CHECK_FALSE(peek.empty());
  CHECK(s.spool_rows == 300);  // the gauges: what waits for the database
  CHECK(s.spool_bytes == peek.size());
  CHECK(s.batches >= 1);       // a spooled batch is timed too

  ro.make_writable();
  for (int i = 300; i < 500; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(eventually(w, [&] { return w.stats().written == 500; }));
  s = w.stats();
  // Rows pushed before the retry found the database back were spooled too; all come back once.
  CHECK(s.spooled >= 300);
  CHECK(s.replayed == s.spooled);
  CHECK(s.duplicates == 0);
  CHECK(s.dropped == 0);
  CHECK(s.spool_dropped == 0);
  CHECK_FALSE(w.database_down());
  CHECK(peek.empty());
  REQUIRE(eventually(w, [&] { return w.stats().spool_rows == 0; }));
  CHECK(w.stats().spool_bytes == 0);
  auto session = t->db->open();
  store::LedgerStore ledger(session, t->db->dialect());
  CHECK(ledger.count() == 500);
  CHECK(ledger.total_cost_nano_usd() == cost_sum(0, 500));
}

TEST_CASE("a spool left by a crash is replayed at start, rows already stored are not doubled", "[store][db][writer]") {
  auto m = test::migrated_database();
  store::LedgerStore ledger(m.session, m.test->db->dialect());
  // The crash: rows 0..49 reached the database, but the spool holding 0..99 was not emptied.
  std::vector<store::LedgerRow> first, all;
  for (int i = 0; i < 100; ++i) (i < 50 ? first : all).push_back(row(i));
  all.insert(all.begin(), first.begin(), first.end());
  REQUIRE(ledger.insert(first) == 50);
  store::LedgerSpool spool(options(*m.test).spool_path, 1 << 20);
  REQUIRE(spool.append(all) == 100);

  store::LedgerWriter w(*m.test->db, options(*m.test));
  REQUIRE(eventually(w, [&] { return w.stats().replayed == 100; }));
  REQUIRE(eventually(w, [&] { return w.stats().spool_rows == 0; }));  // counted at start, replayed
  CHECK(w.stats().spool_bytes == 0);
  CHECK(w.stats().written == 50);
  CHECK(w.stats().duplicates == 50);
  CHECK(spool.empty());
  CHECK(ledger.count() == 100);
  CHECK(ledger.total_cost_nano_usd() == cost_sum(0, 100));
}

TEST_CASE("an unreachable database: every row lands in the spool", "[store][writer]") {
  test::TempDir dir;
  // A folder where the database file should be: SQLite cannot open it.
  std::filesystem::create_directory(dir.path() / "db");
  // Poco's SQLite connector takes the whole login timeout to report a failed open.
  store::Database db("sqlite://" + (dir.path() / "db").string(), 1s);
  store::LedgerWriterOptions o;
  o.spool_path = (dir.path() / "ledger.spool").string();
  o.flush_interval = 20ms;
  {
    store::LedgerWriter w(db, o);
    for (int i = 0; i < 50; ++i) REQUIRE(w.try_push(row(i)));
    REQUIRE(w.flush(10s));
    CHECK(w.stats().spooled == 50);
    CHECK(w.stats().written == 0);
    CHECK(w.stats().spool_rows == 50);
    CHECK(w.stats().spool_bytes > 0);
  }
  store::LedgerSpool spool(o.spool_path, 1 << 20);
  std::size_t n = 0;
  spool.replay([&](const std::vector<store::LedgerRow>& rows) { n += rows.size(); }, 16);
  CHECK(n == 50);
}

TEST_CASE("PostgreSQL stops mid-run: rows are spooled, then written once when it is back", "[store][db][writer]") {
  auto m = test::migrated_database();
  if (m.test->sqlite()) {
    SUCCEED("PostgreSQL only (the read-only file covers SQLite)");
    return;
  }
  // The fixture's server, stopped and started again by its own scripts (same port, same data).
  const std::string state_dir = std::filesystem::path(std::getenv("LLMGW_TEST_POSTGRES_URL_FILE")).parent_path();
  const std::string scripts = LLMGW_SOURCE_DIR "/scripts/";
  auto server = [&](bool up) {
    const std::string cmd = up ? "bash " + scripts + "start-postgres.sh " + state_dir + " >/dev/null"
                               : "bash " + scripts + "stop-postgres.sh " + state_dir + " --keep-data";
    REQUIRE(std::system(cmd.c_str()) == 0);
  };
  struct Restart {
    std::function<void()> f;
    ~Restart() { f(); }
  } restart{[&] { std::system(("bash " + scripts + "start-postgres.sh " + state_dir + " >/dev/null").c_str()); }};

  store::LedgerWriter w(*m.test->db, options(*m.test));
  for (int i = 0; i < 200; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(eventually(w, [&] { return w.stats().written == 200; }));

  server(false);
  for (int i = 200; i < 500; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(w.flush(20s));
  CHECK(w.stats().spooled == 300);
  CHECK(w.database_down());

  server(true);
  for (int i = 500; i < 600; ++i) REQUIRE(w.try_push(row(i)));
  REQUIRE(eventually(w, [&] { return w.stats().written == 600; }));
  auto s = w.stats();
  CHECK(s.spooled >= 300);
  CHECK(s.replayed == s.spooled);
  CHECK(s.duplicates == 0);
  CHECK(s.dropped + s.spool_dropped == 0);
  auto session = m.test->db->open();
  store::LedgerStore ledger(session, m.test->db->dialect());
  CHECK(ledger.count() == 600);
  CHECK(ledger.total_cost_nano_usd() == cost_sum(0, 600));
}

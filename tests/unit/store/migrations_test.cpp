#include <catch2/catch.hpp>

#include <Poco/Data/RecordSet.h>

#include <thread>

#include "store/migrations.hpp"
#include "store/store_error.hpp"
#include "test_database.hpp"

using namespace llmgw;

TEST_CASE("migrations create the schema once and record each version", "[store][db]") {
  auto t = test::fresh_database();
  auto s = t->db->open();
  CHECK(store::schema_version(s) == 0);
  const int latest = store::migrations().back().version;
  CHECK(store::migrate(s, t->db->dialect()) == latest);
  // A second run (another instance starting, a restart) changes nothing.
  auto s2 = t->db->open();
  CHECK(store::migrate(s2, t->db->dialect()) == latest);
  Poco::Data::Statement st(s);
  st << "SELECT COUNT(*) FROM schema_version";
  st.execute();
  Poco::Data::RecordSet rs(st);
  CHECK(rs.value(0, 0).convert<int>() == static_cast<int>(store::migrations().size()));
  // The tables exist and are empty.
  for (const char* table : {"keys", "teams", "spend_ledger"}) {
    Poco::Data::Statement c(s);
    c << "SELECT COUNT(*) FROM " << table;
    c.execute();
    Poco::Data::RecordSet r(c);
    CHECK(r.value(0, 0).convert<int>() == 0);
  }
}

TEST_CASE("migrations are numbered 1, 2, ... without gaps", "[store]") {
  int expected = 1;
  for (const auto& m : store::migrations()) CHECK(m.version == expected++);
}

TEST_CASE("a database newer than this binary is refused", "[store][db]") {
  auto t = test::fresh_database();
  auto s = t->db->open();
  store::migrate(s, t->db->dialect());
  store::execute(s, "INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)");
  CHECK_THROWS_WITH(store::migrate(s, t->db->dialect()), Catch::Contains("newer than this llmgw knows"));
}

TEST_CASE("a failed migration leaves nothing behind", "[store][db]") {
  auto t = test::fresh_database();
  auto s = t->db->open();
  // A table in the way: migration 1's CREATE TABLE keys fails, and its transaction rolls back.
  store::execute(s, "CREATE TABLE keys (x BIGINT)");
  CHECK_THROWS_AS(store::migrate(s, t->db->dialect()), store::StoreError);
  CHECK(store::schema_version(s) == 0);
  Poco::Data::Statement st(s);
  st << "SELECT COUNT(*) FROM schema_version";
  st.execute();
  Poco::Data::RecordSet rs(st);
  CHECK(rs.value(0, 0).convert<int>() == 0);
}

TEST_CASE("instances migrating at the same time apply each migration once", "[store][db]") {
  auto t = test::fresh_database();
  constexpr int kInstances = 4;
  std::vector<std::thread> threads;
  std::vector<int> reached(kInstances, -1);
  std::vector<std::string> errors(kInstances);
  for (int i = 0; i < kInstances; ++i)
    threads.emplace_back([&, i] {
      try {
        auto s = t->db->open();
        reached[i] = store::migrate(s, t->db->dialect());
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& th : threads) th.join();
  for (int i = 0; i < kInstances; ++i) {
    INFO(errors[i]);
    CHECK(reached[i] == store::migrations().back().version);
  }
  auto s = t->db->open();
  Poco::Data::Statement st(s);
  st << "SELECT COUNT(*) FROM schema_version";
  st.execute();
  Poco::Data::RecordSet rs(st);
  CHECK(rs.value(0, 0).convert<int>() == static_cast<int>(store::migrations().size()));
}

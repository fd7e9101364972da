#include "test_database.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "store/migrations.hpp"

namespace llmgw::test {

bool postgres_requested() { return std::getenv("LLMGW_TEST_POSTGRES_URL_FILE") != nullptr; }

std::string postgres_url() {
  const char* file = std::getenv("LLMGW_TEST_POSTGRES_URL_FILE");
  if (!file) return "";
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "llmgw-store-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<TestDatabase> fresh_database() {
  auto t = std::make_unique<TestDatabase>();
  if (postgres_requested()) {
    t->url = postgres_url();
    t->db = std::make_unique<store::Database>(t->url);
    auto s = t->db->open();
    store::execute(s, "SET client_min_messages TO WARNING");
    // Everything a migration ever created goes, whatever later migrations add.
    store::execute(s, "DROP SCHEMA public CASCADE");
    store::execute(s, "CREATE SCHEMA public");
  } else {
    t->url = "sqlite://" + t->sqlite_file().string();
    t->db = std::make_unique<store::Database>(t->url);
  }
  return t;
}

MigratedDatabase migrated_database() {
  auto t = fresh_database();
  auto s = t->db->open();
  store::migrate(s, t->db->dialect());
  return MigratedDatabase{std::move(t), std::move(s)};
}

}  // namespace llmgw::test

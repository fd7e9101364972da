// The database a store test runs on: a fresh SQLite file in a temporary folder, or (with
// LLMGW_TEST_POSTGRES_URL_FILE set) the test PostgreSQL server with every llmgw table dropped.
#pragma once

#include <Poco/Data/Session.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/database.hpp"

namespace llmgw::test {

bool postgres_requested();
/// The URL in $LLMGW_TEST_POSTGRES_URL_FILE ("" when unset or unreadable).
std::string postgres_url();

/// A folder under the system temp dir, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct TestDatabase {
  TempDir dir;
  std::string url;
  std::unique_ptr<store::Database> db;
  /// Whether this is the SQLite file (dir/llmgw.db) rather than PostgreSQL.
  bool sqlite() const { return db->dialect() == store::Dialect::sqlite; }
  std::filesystem::path sqlite_file() const { return dir.path() / "llmgw.db"; }
};

/// An empty database (no tables yet).
std::unique_ptr<TestDatabase> fresh_database();

/// A fresh database with the schema migrated, and a session on it.
struct MigratedDatabase {
  std::unique_ptr<TestDatabase> test;
  Poco::Data::Session session;
};
MigratedDatabase migrated_database();

}  // namespace llmgw::test

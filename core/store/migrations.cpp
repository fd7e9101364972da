#include "store/migrations.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Exception.h>

#include <chrono>
#include <string>

#include "store/database.hpp"
#include "store/store_error.hpp"

namespace llmgw::store {
namespace {

using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

// Types both engines read the same way: TEXT, BIGINT (SQLite: INTEGER affinity). Times are unix
// milliseconds (UTC); money is integer nano-dollars (docs/ARCHITECTURE.md "Governance"); JSON is
// TEXT; flags are 0/1.
const std::vector<Migration> kMigrations = {
    {1,
     "teams, keys, spend_ledger",
     {
         R"(CREATE TABLE teams (
  team_id TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  models TEXT NOT NULL DEFAULT '[]',
  rpm BIGINT NOT NULL DEFAULT 0,
  tpm BIGINT NOT NULL DEFAULT 0,
  max_parallel BIGINT NOT NULL DEFAULT 0,
  budget_nano_usd BIGINT NOT NULL DEFAULT -1,
  budget_period TEXT NOT NULL DEFAULT '',
  budget_reset_at BIGINT NOT NULL DEFAULT 0,
  spend_nano_usd BIGINT NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  blocked BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL))",
         R"(CREATE TABLE keys (
  key_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  team_id TEXT NOT NULL DEFAULT '',
  models TEXT NOT NULL DEFAULT '[]',
  rpm BIGINT NOT NULL DEFAULT 0,
  tpm BIGINT NOT NULL DEFAULT 0,
  max_parallel BIGINT NOT NULL DEFAULT 0,
  budget_nano_usd BIGINT NOT NULL DEFAULT -1,
  budget_period TEXT NOT NULL DEFAULT '',
  budget_reset_at BIGINT NOT NULL DEFAULT 0,
  spend_nano_usd BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}',
  blocked BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL))",
         "CREATE INDEX keys_team ON keys (team_id)",
         R"(CREATE TABLE spend_ledger (
  request_id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL DEFAULT '',
  team_id TEXT NOT NULL DEFAULT '',
  alias TEXT NOT NULL DEFAULT '',
  deployment TEXT NOT NULL DEFAULT '',
  provider TEXT NOT NULL DEFAULT '',
  input_tokens BIGINT NOT NULL DEFAULT 0,
  output_tokens BIGINT NOT NULL DEFAULT 0,
  cached_read_tokens BIGINT NOT NULL DEFAULT 0,
  cache_write_tokens BIGINT NOT NULL DEFAULT 0,
  reasoning_tokens BIGINT NOT NULL DEFAULT 0,
  cost_nano_usd BIGINT NOT NULL DEFAULT 0,
  latency_ms BIGINT NOT NULL DEFAULT 0,
  ttft_ms BIGINT NOT NULL DEFAULT -1,
  status BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL))",
         "CREATE INDEX spend_ledger_created ON spend_ledger (created_at)",
         "CREATE INDEX spend_ledger_key ON spend_ledger (key_hash, created_at)",
         "CREATE INDEX spend_ledger_team ON spend_ledger (team_id, created_at)",
         "CREATE INDEX spend_ledger_alias ON spend_ledger (alias, created_at)",
     }},
    {2,
     "tombstones of deleted keys and teams; change feeds by updated_at",
     {
         "CREATE TABLE deleted_keys (key_hash TEXT PRIMARY KEY, deleted_at BIGINT NOT NULL)",
         "CREATE INDEX deleted_keys_at ON deleted_keys (deleted_at)",
         "CREATE TABLE deleted_teams (team_id TEXT PRIMARY KEY, deleted_at BIGINT NOT NULL)",
         "CREATE INDEX deleted_teams_at ON deleted_teams (deleted_at)",
         "CREATE INDEX keys_updated ON keys (updated_at)",
         "CREATE INDEX teams_updated ON teams (updated_at)",
     }},
};

// Any constant: the advisory lock every instance takes while it migrates.
constexpr const char* kPgMigrationLock = "SELECT pg_advisory_xact_lock(7419031977)";

long long now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int read_version(Poco::Data::Session& session) {
  Poco::Data::Statement select(session);
  select << "SELECT MAX(version) FROM schema_version";
  select.execute();
  Poco::Data::RecordSet rs(select);
  if (rs.rowCount() == 0 || rs.value(0, 0).isEmpty()) return 0;
  return rs.value(0, 0).convert<int>();
}

}  // namespace

const std::vector<Migration>& migrations() { return kMigrations; }

int schema_version(Poco::Data::Session& session) {
  try {
    return read_version(session);
  } catch (const Poco::Exception&) {
    return 0;  // no schema_version table yet
  }
}

int migrate(Poco::Data::Session& session, Dialect dialect) {
  // Each step runs under the migration lock, the creation of schema_version included:
  // PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent one.
  auto locked = [&](Transaction&) {
    if (dialect == Dialect::postgresql) execute(session, kPgMigrationLock);
  };
  int version = 0;
  try {
    Transaction tx(session, dialect);
    locked(tx);
    execute(session, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    version = read_version(session);
    tx.commit();
  } catch (const Poco::Exception& e) {
    throw StoreError("reading the schema version: " + e.displayText());
  }
  const int latest = kMigrations.empty() ? 0 : kMigrations.back().version;
  if (version > latest)
    throw StoreError("the database has schema version " + std::to_string(version) + ", newer than this llmgw knows (" +
                     std::to_string(latest) + "); upgrade llmgw");
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    try {
      Transaction tx(session, dialect);
      locked(tx);
      // Another instance may have applied it while this one waited for the lock.
      if (read_version(session) >= m.version) continue;
      for (std::string_view sql_text : m.statements) execute(session, std::string(sql_text));
      Poco::Int64 v = m.version, at = now_ms();
      std::string description(m.description);
      Poco::Data::Statement insert(session);
      insert << sql(session, "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)"),
          use(v), use(description), use(at);
      insert.execute();
      tx.commit();
    } catch (const Poco::Exception& e) {
      throw StoreError("migration " + std::to_string(m.version) + " (" + std::string(m.description) +
                       ") failed: " + e.displayText());
    }
    version = m.version;
  }
  return read_version(session);
}

}  // namespace llmgw::store

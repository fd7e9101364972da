#include "store/sqlite_ledger_insert.hpp"

#include <sqlite3.h>

#include "store/store_error.hpp"

namespace llmgw::store {

SqliteLedgerInsert::SqliteLedgerInsert(sqlite3* db, const std::string& sql) : db_(db) {
  if (!db_) throw StoreError("ledger insert: no SQLite connection");
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK) fail("prepare");
}

SqliteLedgerInsert::~SqliteLedgerInsert() { sqlite3_finalize(st_); }

void SqliteLedgerInsert::fail(const char* what) const {
  throw StoreError(std::string("ledger insert (") + what + "): " + sqlite3_errmsg(db_));
}

bool SqliteLedgerInsert::insert(const LedgerRow& r) {
  sqlite3_reset(st_);
  int i = 0;
  const auto text = [&](const std::string& s) {
    if (sqlite3_bind_text(st_, ++i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC) != SQLITE_OK) fail("bind");
  };
  const auto integer = [&](std::int64_t v) {
    if (sqlite3_bind_int64(st_, ++i, v) != SQLITE_OK) fail("bind");
  };
  text(r.request_id);
  text(r.key_hash);
  text(r.team_id);
  text(r.alias);
  text(r.deployment);
  text(r.provider);
  integer(r.input_tokens);
  integer(r.output_tokens);
  integer(r.cached_read_tokens);
  integer(r.cache_write_tokens);
  integer(r.reasoning_tokens);
  integer(r.cost_nano_usd);
  integer(r.latency_ms);
  integer(r.ttft_ms);
  integer(r.status);
  integer(r.created_at);
  const int rc = sqlite3_step(st_);
  if (rc != SQLITE_DONE) {
    sqlite3_reset(st_);
    fail("step");
  }
  const bool inserted = sqlite3_changes(db_) == 1;
  sqlite3_reset(st_);  // (the bound views are not read after this)
  sqlite3_clear_bindings(st_);
  return inserted;
}

}  // namespace llmgw::store

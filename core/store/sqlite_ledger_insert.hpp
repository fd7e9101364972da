// The ledger's INSERT on SQLite, prepared once and run once per row (store/ledger_store): Poco's
// SQLite statement re-prepared its SQL on every execute (sqlite3Parser was ~21 % of a core at
// 5,000 rows a second, on the gateway's core). Runs on the session's own connection, inside the
// caller's transaction; binds the same values Poco did (text as text, integers as 64-bit).
#pragma once

#include <string>

#include "store/records.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace llmgw::store {

class SqliteLedgerInsert {
 public:
  /// Prepares `sql` (16 placeholders, in LedgerRow's order) on `db`. Throws StoreError.
  SqliteLedgerInsert(sqlite3* db, const std::string& sql);
  ~SqliteLedgerInsert();
  SqliteLedgerInsert(const SqliteLedgerInsert&) = delete;
  SqliteLedgerInsert& operator=(const SqliteLedgerInsert&) = delete;

  /// Inserts `row`; false when the statement changed nothing (ON CONFLICT DO NOTHING: already
  /// stored). Throws StoreError.
  bool insert(const LedgerRow& row);

 private:
  [[noreturn]] void fail(const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
};

}  // namespace llmgw::store

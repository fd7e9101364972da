// The ledger's INSERT on SQLite, with SQLite's own API, prepared once per statement shape and
// kept: Poco's SQLite statement re-prepared its SQL on every execute (sqlite3Parser was ~21 % of
// a core at 5,000 rows a second, on the gateway's core). Rows go in multi-row statements of 64,
// 16, 4 and 1 rows (a batch of 256 is four statements): each execution of a statement opens,
// allocates and frees a cursor per index and halts the VM, ~40 % of a row's instructions when
// every row was its own statement. `ON CONFLICT (request_id) DO NOTHING RETURNING request_id`
// names the rows actually inserted, so a row already stored is still told apart (and not
// charged) inside a multi-row statement. Runs on the session's own connection, inside the
// caller's transaction; binds the same values Poco did (text as text, integers as 64-bit).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "store/records.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace llmgw::store {

class SqliteLedgerInsert {
 public:
  /// On `db`, into spend_ledger's `columns` (the 16 of LedgerRow, in its order). Throws
  /// StoreError when `db` is null; the statements are prepared on first use.
  SqliteLedgerInsert(sqlite3* db, std::string columns);
  ~SqliteLedgerInsert();
  SqliteLedgerInsert(const SqliteLedgerInsert&) = delete;
  SqliteLedgerInsert& operator=(const SqliteLedgerInsert&) = delete;

  /// Inserts `rows` in order; `inserted[i]` says whether rows[i] was stored now (false: a row
  /// with its request_id was already there, or earlier in `rows`). Returns how many were.
  /// Throws StoreError (the caller's transaction then rolls back).
  std::size_t insert(const std::vector<LedgerRow>& rows, std::vector<char>& inserted);

  /// Rows per statement, largest first.
  static constexpr std::array<std::size_t, 4> kChunks = {64, 16, 4, 1};

 private:
  sqlite3_stmt* statement(std::size_t shape);  // prepared for kChunks[shape] rows
  std::size_t run(sqlite3_stmt* st, const LedgerRow* rows, std::size_t n, char* inserted);
  [[noreturn]] void fail(const char* what) const;

  sqlite3* db_;
  std::string columns_;
  std::array<sqlite3_stmt*, kChunks.size()> st_{};
};

}  // namespace llmgw::store

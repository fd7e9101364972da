// The spend ledger table: batched, idempotent inserts and the reads tests and reports need.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "store/database_url.hpp"
#include "store/records.hpp"

namespace llmgw::store {

class SqliteLedgerInsert;

class LedgerStore {
 public:
  LedgerStore(Poco::Data::Session& session, Dialect dialect);
  ~LedgerStore();  // finalizes the prepared INSERT: destroy before the session closes
  LedgerStore(const LedgerStore&) = delete;
  LedgerStore& operator=(const LedgerStore&) = delete;

  /// Inserts the rows in one transaction, each with INSERT … ON CONFLICT (request_id) DO NOTHING,
  /// so a row written twice (a replayed spool, a retried batch) is stored once. For each row
  /// actually inserted, its cost is added to its key's and its team's spend in the same
  /// transaction: spend counts every call exactly once as well. Returns the rows inserted.
  /// Throws StoreError (nothing is written then). On SQLite the INSERT is prepared on the first
  /// call and kept for the store's life (the ledger writer keeps one store per session).
  std::size_t insert(const std::vector<LedgerRow>& rows);

  std::optional<LedgerRow> get(std::string_view request_id);
  std::int64_t count();
  std::int64_t total_cost_nano_usd();

 private:
  Poco::Data::Session& session_;
  Dialect dialect_;
  std::unique_ptr<SqliteLedgerInsert> sqlite_insert_;
};

}  // namespace llmgw::store

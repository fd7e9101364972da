// The spend ledger table: batched, idempotent inserts and the reads tests and reports need.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "store/database_url.hpp"
#include "store/records.hpp"

namespace llmgw::store {

class SqliteLedgerInsert;

/// When a batch's costs entered each key's and team's stored spend: the updated_at the batch
/// wrote on the row, always past the row's last one. The row's writes take its lock until they
/// commit, so a row's stamps follow its commit order: whoever read a row's spend with
/// updated_at U has every batch stamped U or earlier in it and none stamped later
/// (policy/reservation_store.hpp counts the later ones on top).
struct SpendStamps {
  std::map<std::string, std::int64_t> keys;   // key_hash -> stamp
  std::map<std::string, std::int64_t> teams;  // team_id -> stamp
};

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
  /// `stamps`: filled with the stamp of each key and team whose spend the batch raised.
  std::size_t insert(const std::vector<LedgerRow>& rows, SpendStamps* stamps = nullptr);

  std::optional<LedgerRow> get(std::string_view request_id);
  std::int64_t count();
  std::int64_t total_cost_nano_usd();

 private:
  Poco::Data::Session& session_;
  Dialect dialect_;
  std::unique_ptr<SqliteLedgerInsert> sqlite_insert_;
  std::vector<char> inserted_;  // SQLite: which rows of the batch were stored now (kept: no allocation a batch)
};

}  // namespace llmgw::store

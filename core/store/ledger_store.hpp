// The spend ledger table: batched, idempotent inserts and the reads tests and reports need.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "store/database_url.hpp"
#include "store/records.hpp"

namespace llmgw::store {

class LedgerStore {
 public:
  LedgerStore(Poco::Data::Session& session, Dialect dialect) : session_(session), dialect_(dialect) {}

  /// Inserts the rows in one transaction, each with INSERT … ON CONFLICT (request_id) DO NOTHING,
  /// so a row written twice (a replayed spool, a retried batch) is stored once. For each row
  /// actually inserted, its cost is added to its key's and its team's spend in the same
  /// transaction: spend counts every call exactly once as well. Returns the rows inserted.
  /// Throws StoreError (nothing is written then).
  std::size_t insert(const std::vector<LedgerRow>& rows);

  std::optional<LedgerRow> get(std::string_view request_id);
  std::int64_t count();
  std::int64_t total_cost_nano_usd();

 private:
  Poco::Data::Session& session_;
  Dialect dialect_;
};

}  // namespace llmgw::store

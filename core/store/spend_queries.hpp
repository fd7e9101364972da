// Reading the spend ledger back: the rows of a time range (admin /spend/logs) and totals
// grouped by key, team, model alias or UTC day (admin /spend/report), each with the token split.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace llmgw::store {

struct SpendFilter {
  std::string key_hash;   // "": every key
  std::string team_id;    // "": every team
  std::string alias;      // "": every model
  std::int64_t from = 0;  // created_at >= from (unix ms); 0: no lower bound
  std::int64_t to = 0;    // created_at < to; 0: no upper bound
  std::int64_t limit = 100;  // logs only: page size, 1..1000
  std::int64_t offset = 0;
};

/// Newest first (created_at, then request_id, both descending: stable pages). Throws StoreError.
std::vector<LedgerRow> spend_logs(Poco::Data::Session& session, const SpendFilter& filter);

enum class SpendGroup { key, team, model, day };

struct SpendTotal {
  std::string group;  // the key hash, team id, alias, or "YYYY-MM-DD" (UTC)
  std::int64_t requests = 0;
  std::int64_t input_tokens = 0, output_tokens = 0, cached_read_tokens = 0, cache_write_tokens = 0,
               reasoning_tokens = 0;
  std::int64_t cost_nano_usd = 0;
};

/// One total per group over the rows the filter selects (limit/offset ignored), ordered by group.
/// Throws StoreError.
std::vector<SpendTotal> spend_report(Poco::Data::Session& session, SpendGroup group, const SpendFilter& filter);

/// One cell of the daily report: the totals of one (UTC day, team, key, model alias).
struct DailySpend {
  std::int64_t day = 0;  // days since 1970-01-01 (UTC)
  std::string team_id, key_hash, alias;
  SpendTotal total;      // total.group: "YYYY-MM-DD"
};

/// The SQL of spend_by_day for `filter` (its placeholders bound by spend_by_day in order).
std::string spend_by_day_sql(const SpendFilter& filter);

/// Every (day, team, key, alias) cell the filter selects, ordered by day, team, key, alias
/// (LiteLLM's /global/spend/report is built from these). Throws StoreError.
std::vector<DailySpend> spend_by_day(Poco::Data::Session& session, const SpendFilter& filter);

}  // namespace llmgw::store

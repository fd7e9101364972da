#include "store/ledger_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>

#include <chrono>
#include <map>
#include <string>

#include "store/database.hpp"
#include "store/row_values.hpp"
#include "store/sqlite_ledger_insert.hpp"
#include "store/store_error.hpp"

namespace llmgw::store {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::use;
using detail::int_at;
using detail::text_at;

constexpr const char* kColumns =
    "request_id, key_hash, team_id, alias, deployment, provider, input_tokens, output_tokens, "
    "cached_read_tokens, cache_write_tokens, reasoning_tokens, cost_nano_usd, latency_ms, ttft_ms, status, "
    "created_at";

}  // namespace

LedgerStore::LedgerStore(Poco::Data::Session& session, Dialect dialect) : session_(session), dialect_(dialect) {}

LedgerStore::~LedgerStore() = default;

std::size_t LedgerStore::insert(const std::vector<LedgerRow>& rows, SpendStamps* stamps) {
  if (rows.empty()) return 0;
  try {
    Transaction tx(session_, dialect_);
    std::size_t inserted = 0;
    std::map<std::string, std::int64_t> key_spend, team_spend;
    const auto count = [&](const LedgerRow& row) {
      ++inserted;
      if (row.cost_nano_usd == 0) return;
      if (!row.key_hash.empty()) key_spend[row.key_hash] += row.cost_nano_usd;
      if (!row.team_id.empty()) team_spend[row.team_id] += row.cost_nano_usd;
    };
    if (dialect_ == Dialect::sqlite) {
      // Prepared once for the store, not per batch (~77k instructions a batch) nor per row
      // (Poco's SQLite statement parsed its SQL again on every execute); multi-row statements.
      if (!sqlite_insert_)
        sqlite_insert_ = std::make_unique<SqliteLedgerInsert>(Poco::Data::SQLite::Utility::dbHandle(session_), kColumns);
      sqlite_insert_->insert(rows, inserted_);
      for (std::size_t i = 0; i < rows.size(); ++i)
        if (inserted_[i]) count(rows[i]);  // else already stored
    } else {
      // One prepared statement bound to `r`, executed once per row.
      const std::string insert_sql = std::string("INSERT INTO spend_ledger (") + kColumns +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING";
      LedgerRow r;
      Poco::Data::Statement st(session_);
      st << sql(session_, insert_sql), use(r.request_id), use(r.key_hash), use(r.team_id), use(r.alias),
          use(r.deployment), use(r.provider), use(r.input_tokens), use(r.output_tokens), use(r.cached_read_tokens),
          use(r.cache_write_tokens), use(r.reasoning_tokens), use(r.cost_nano_usd), use(r.latency_ms), use(r.ttft_ms),
          use(r.status), use(r.created_at);
      for (const LedgerRow& row : rows) {
        r = row;
        if (st.execute() == 1) count(row);  // else already stored
      }
    }
    // updated_at moves so that every instance's key cache reads the new spend; it is the spend's
    // stamp (SpendStamps), past the row's last one even when the clock is not.
    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count();
    const auto raise = [&](const char* table, const char* id_col, const std::string& id, std::int64_t cost,
                           std::map<std::string, std::int64_t>* stamped) {
      Poco::Data::Statement up(session_);
      up << sql(session_, std::string("UPDATE ") + table +
                              " SET spend_nano_usd = spend_nano_usd + ?,"
                              " updated_at = CASE WHEN updated_at >= ? THEN updated_at + 1 ELSE ? END WHERE " +
                              id_col + " = ?"),
          bind(cost), bind(now_ms), bind(now_ms), bind(id);
      if (up.execute() == 0 || !stamped) return;
      // The stamp as written: this transaction holds the row until it commits.
      Poco::Data::Statement read(session_);
      read << sql(session_, std::string("SELECT updated_at FROM ") + table + " WHERE " + id_col + " = ?"), bind(id);
      read.execute();
      Poco::Data::RecordSet rs(read);
      if (rs.rowCount() == 1) (*stamped)[id] = int_at(rs, 0, 0);
    };
    for (auto& [hash, cost] : key_spend) raise("keys", "key_hash", hash, cost, stamps ? &stamps->keys : nullptr);
    for (auto& [team, cost] : team_spend) raise("teams", "team_id", team, cost, stamps ? &stamps->teams : nullptr);
    tx.commit();
    return inserted;
  } catch (const Poco::Exception& e) {
    throw StoreError("writing " + std::to_string(rows.size()) + " ledger rows: " + e.displayText());
  }
}

std::optional<LedgerRow> LedgerStore::get(std::string_view request_id) {
  try {
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("SELECT ") + kColumns + " FROM spend_ledger WHERE request_id = ?"), bind(std::string(request_id));
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (rs.rowCount() == 0) return std::nullopt;
    LedgerRow r;
    std::size_t c = 0;
    r.request_id = text_at(rs, c++, 0);
    r.key_hash = text_at(rs, c++, 0);
    r.team_id = text_at(rs, c++, 0);
    r.alias = text_at(rs, c++, 0);
    r.deployment = text_at(rs, c++, 0);
    r.provider = text_at(rs, c++, 0);
    r.input_tokens = int_at(rs, c++, 0);
    r.output_tokens = int_at(rs, c++, 0);
    r.cached_read_tokens = int_at(rs, c++, 0);
    r.cache_write_tokens = int_at(rs, c++, 0);
    r.reasoning_tokens = int_at(rs, c++, 0);
    r.cost_nano_usd = int_at(rs, c++, 0);
    r.latency_ms = int_at(rs, c++, 0);
    r.ttft_ms = int_at(rs, c++, 0);
    r.status = int_at(rs, c++, 0);
    r.created_at = int_at(rs, c++, 0);
    return r;
  } catch (const Poco::Exception& e) {
    throw StoreError("reading a ledger row: " + e.displayText());
  }
}

std::int64_t LedgerStore::count() {
  try {
    Poco::Data::Statement st(session_);
    st << "SELECT COUNT(*) FROM spend_ledger";
    st.execute();
    Poco::Data::RecordSet rs(st);
    return int_at(rs, 0, 0);
  } catch (const Poco::Exception& e) {
    throw StoreError("counting ledger rows: " + e.displayText());
  }
}

std::int64_t LedgerStore::total_cost_nano_usd() {
  try {
    // PostgreSQL's SUM(bigint) is NUMERIC: cast back so both engines return an integer.
    Poco::Data::Statement st(session_);
    st << "SELECT CAST(COALESCE(SUM(cost_nano_usd), 0) AS BIGINT) FROM spend_ledger";
    st.execute();
    Poco::Data::RecordSet rs(st);
    return int_at(rs, 0, 0);
  } catch (const Poco::Exception& e) {
    throw StoreError("summing ledger costs: " + e.displayText());
  }
}

}  // namespace llmgw::store

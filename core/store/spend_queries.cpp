#include "store/spend_queries.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Exception.h>

#include <chrono>
#include <cstdio>

#include "store/database.hpp"
#include "store/row_values.hpp"
#include "store/store_error.hpp"

namespace llmgw::store {
namespace {

using Poco::Data::Keywords::bind;
using detail::int_at;
using detail::text_at;


/// " WHERE ..." for the filter, and its bindings in order.
std::string where(const SpendFilter& f) {
  std::string w = " WHERE 1 = 1";
  if (!f.key_hash.empty()) w += " AND key_hash = ?";
  if (!f.team_id.empty()) w += " AND team_id = ?";
  if (!f.alias.empty()) w += " AND alias = ?";
  if (f.from > 0) w += " AND created_at >= ?";
  if (f.to > 0) w += " AND created_at < ?";
  return w;
}

void bind_filter(Poco::Data::Statement& st, const SpendFilter& f) {
  if (!f.key_hash.empty()) st.addBind(bind(f.key_hash));
  if (!f.team_id.empty()) st.addBind(bind(f.team_id));
  if (!f.alias.empty()) st.addBind(bind(f.alias));
  if (f.from > 0) st.addBind(bind(f.from));
  if (f.to > 0) st.addBind(bind(f.to));
}

std::string day_name(std::int64_t day_number) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{day_number}}};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

// The request count and token and cost sums every report reads, in read_totals' order.
// PostgreSQL's SUM(bigint) is NUMERIC: cast back so both engines return integers.
constexpr const char* kTotalColumns =
    "CAST(COUNT(*) AS BIGINT), CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT), "
    "CAST(SUM(cached_read_tokens) AS BIGINT), CAST(SUM(cache_write_tokens) AS BIGINT), "
    "CAST(SUM(reasoning_tokens) AS BIGINT), CAST(SUM(cost_nano_usd) AS BIGINT)";

/// kTotalColumns of row `r`, from column `c` on, into `t` (its group left as it is).
void read_totals(Poco::Data::RecordSet& rs, std::size_t c, std::size_t r, SpendTotal& t) {
  t.requests = int_at(rs, c++, r);
  t.input_tokens = int_at(rs, c++, r);
  t.output_tokens = int_at(rs, c++, r);
  t.cached_read_tokens = int_at(rs, c++, r);
  t.cache_write_tokens = int_at(rs, c++, r);
  t.reasoning_tokens = int_at(rs, c++, r);
  t.cost_nano_usd = int_at(rs, c, r);
}

}  // namespace

std::vector<LedgerRow> spend_logs(Poco::Data::Session& session, const SpendFilter& f) {
  try {
    Poco::Data::Statement st(session);
    st << sql(session, "SELECT request_id, key_hash, team_id, alias, deployment, provider, input_tokens, "
                       "output_tokens, cached_read_tokens, cache_write_tokens, reasoning_tokens, cost_nano_usd, "
                       "latency_ms, ttft_ms, status, created_at FROM spend_ledger" +
                           where(f) + " ORDER BY created_at DESC, request_id DESC LIMIT ? OFFSET ?");
    bind_filter(st, f);
    st.addBind(bind(detail::clamp_page(f.limit)));
    st.addBind(bind(f.offset < 0 ? std::int64_t{0} : f.offset));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<LedgerRow> out;
    out.reserve(rs.rowCount());
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
      LedgerRow row;
      std::size_t c = 0;
      row.request_id = text_at(rs, c++, r);
      row.key_hash = text_at(rs, c++, r);
      row.team_id = text_at(rs, c++, r);
      row.alias = text_at(rs, c++, r);
      row.deployment = text_at(rs, c++, r);
      row.provider = text_at(rs, c++, r);
      row.input_tokens = int_at(rs, c++, r);
      row.output_tokens = int_at(rs, c++, r);
      row.cached_read_tokens = int_at(rs, c++, r);
      row.cache_write_tokens = int_at(rs, c++, r);
      row.reasoning_tokens = int_at(rs, c++, r);
      row.cost_nano_usd = int_at(rs, c++, r);
      row.latency_ms = int_at(rs, c++, r);
      row.ttft_ms = int_at(rs, c++, r);
      row.status = int_at(rs, c++, r);
      row.created_at = int_at(rs, c++, r);
      out.push_back(std::move(row));
    }
    return out;
  } catch (const Poco::Exception& e) {
    throw StoreError("reading spend logs: " + e.displayText());
  }
}

std::vector<SpendTotal> spend_report(Poco::Data::Session& session, SpendGroup group, const SpendFilter& f) {
  const char* column = group == SpendGroup::key    ? "key_hash"
                       : group == SpendGroup::team ? "team_id"
                       : group == SpendGroup::model ? "alias"
                                                    : "created_at / 86400000";
  const std::string text = std::string("SELECT ") + column + " AS g, " + kTotalColumns + " FROM spend_ledger" +
                           where(f) + " GROUP BY g ORDER BY g";
  try {
    Poco::Data::Statement st(session);
    st << sql(session, text);
    bind_filter(st, f);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<SpendTotal> out;
    out.reserve(rs.rowCount());
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
      SpendTotal t;
      t.group = group == SpendGroup::day ? day_name(int_at(rs, 0, r)) : text_at(rs, 0, r);
      read_totals(rs, 1, r, t);
      out.push_back(std::move(t));
    }
    return out;
  } catch (const Poco::Exception& e) {
    throw StoreError("reading the spend report: " + e.displayText());
  }
}

std::string spend_by_day_sql(const SpendFilter& f) {
  // created_at is unix ms (BIGINT): integer division is the UTC day on both engines.
  return std::string("SELECT created_at / 86400000 AS d, team_id, key_hash, alias, ") + kTotalColumns +
         " FROM spend_ledger" + where(f) + " GROUP BY d, team_id, key_hash, alias ORDER BY d, team_id, key_hash, alias";
}

std::vector<DailySpend> spend_by_day(Poco::Data::Session& session, const SpendFilter& f) {
  try {
    Poco::Data::Statement st(session);
    st << sql(session, spend_by_day_sql(f));
    bind_filter(st, f);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<DailySpend> out;
    out.reserve(rs.rowCount());
    for (std::size_t r = 0; r < rs.rowCount(); ++r) {
      DailySpend cell;
      std::size_t c = 0;
      cell.day = int_at(rs, c++, r);
      cell.team_id = text_at(rs, c++, r);
      cell.key_hash = text_at(rs, c++, r);
      cell.alias = text_at(rs, c++, r);
      SpendTotal& t = cell.total;
      t.group = day_name(cell.day);
      read_totals(rs, c, r, t);
      out.push_back(std::move(cell));
    }
    return out;
  } catch (const Poco::Exception& e) {
    throw StoreError("reading the daily spend report: " + e.displayText());
  }
}

}  // namespace llmgw::store

#include "policy/budget_reset.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Exception.h>

#include <string>
#include <vector>

#include "policy/budget_period.hpp"
#include "store/database.hpp"
#include "store/row_values.hpp"
#include "store/store_error.hpp"

namespace llmgw::policy {
namespace {

using Poco::Data::Keywords::bind;

struct Due {
  std::string id, period;
  std::int64_t reset_at = 0;
};

/// `table` is "keys" (id column key_hash) or "teams" (team_id).
int reset_table(Poco::Data::Session& session, const std::string& table, const std::string& id_col,
                const std::string& ledger_col, std::int64_t now_ms) {
  std::vector<Due> due;
  {
    Poco::Data::Statement st(session);
    std::int64_t at = now_ms;
    st << store::sql(session, "SELECT " + id_col + ", budget_period, budget_reset_at FROM " + table +
                                  " WHERE budget_reset_at > 0 AND budget_reset_at <= ?"),
        bind(at);
    st.execute();
    Poco::Data::RecordSet rs(st);
    for (std::size_t row = 0; row < rs.rowCount(); ++row)
      due.push_back(Due{store::detail::text_at(rs, 0, row), store::detail::text_at(rs, 1, row),
                        store::detail::int_at(rs, 2, row)});
  }
  int n = 0;
  for (const Due& d : due) {
    const auto period = parse_budget_period(d.period);
    const std::int64_t next = period ? next_reset(*period, d.reset_at, now_ms) : 0;
    const std::int64_t start = period && next > 0 ? period_start(*period, next) : now_ms;
    Poco::Data::Statement up(session);
    up << store::sql(session, "UPDATE " + table + " SET spend_nano_usd = (SELECT CAST(COALESCE(SUM(cost_nano_usd), 0) AS BIGINT)"
                                  " FROM spend_ledger WHERE " + ledger_col + " = ? AND created_at >= ?),"
                                  " budget_reset_at = ?, updated_at = ? WHERE " + id_col + " = ? AND budget_reset_at = ?"),
        bind(d.id), bind(start), bind(next), bind(now_ms), bind(d.id), bind(d.reset_at);
    n += static_cast<int>(up.execute());
  }
  return n;
}

}  // namespace

int reset_due_budgets(Poco::Data::Session& session, std::int64_t now_ms) {
  try {
    return reset_table(session, "keys", "key_hash", "key_hash", now_ms) +
           reset_table(session, "teams", "team_id", "team_id", now_ms);
  } catch (const Poco::Exception& e) {
    throw store::StoreError("resetting budgets: " + e.displayText());
  }
}

}  // namespace llmgw::policy

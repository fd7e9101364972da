// Budget periods and when they reset. Times are unix milliseconds (UTC), always passed in: the
// caller's clock decides "now" (tests inject theirs).
//   "daily" / "weekly" / "monthly": calendar periods in UTC — reset at 00:00 each day, each
//       Monday, and on the 1st of each month.
//   LiteLLM's budget_duration: "30s", "15m", "12h", "7d" (fixed lengths) and "1mo", "3mo"
//       (calendar months): the period runs from its last reset; the next reset is that plus
//       the length (months keep the day of the month, clamped to the month's last day).
//   "": no period; spend never resets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace llmgw::policy {

struct BudgetPeriod {
  enum class Kind { none, daily, weekly, monthly, fixed, months };
  Kind kind = Kind::none;
  std::int64_t length_ms = 0;  // fixed
  int months = 0;              // months
};

/// nullopt for text that is none of the forms above (an admin API 400).
std::optional<BudgetPeriod> parse_budget_period(std::string_view text);

/// The first reset strictly after `now_ms` for a period whose last reset was `anchor_ms`
/// (calendar periods ignore the anchor). 0 for Kind::none.
std::int64_t next_reset(const BudgetPeriod& period, std::int64_t anchor_ms, std::int64_t now_ms);

/// When the period that ends at `reset_at_ms` began: the lower bound of the ledger rows that count
/// against this period's budget (spend_report filtered from it recomputes the spend exactly,
/// whatever the stored counter says). 0 (all time) for Kind::none or no reset time. For month
/// durations whose anchor day was clamped (the 31st → the 28th) the start is the same day one
/// period earlier, which can be up to three days early.
std::int64_t period_start(const BudgetPeriod& period, std::int64_t reset_at_ms);

/// A key's or team's budget as it stands at `now_ms`: when its reset time has passed, spend is
/// 0 and the reset time moves to the next one. (The stored row catches up when the ledger
/// writer or the admin API next writes it; admission never waits for that.) An unreadable
/// period is treated as none.
store::Limits budget_as_of(store::Limits limits, std::int64_t now_ms);

}  // namespace llmgw::policy

#include "policy/budget_period.hpp"

#include <chrono>

namespace llmgw::policy {
namespace {

using namespace std::chrono;
using Ms = sys_time<milliseconds>;

std::int64_t to_ms(sys_days d) { return duration_cast<milliseconds>(d.time_since_epoch()).count(); }

sys_days day_of(std::int64_t ms) { return floor<days>(Ms{milliseconds{ms}}); }

/// `anchor` plus `n` calendar months, same day (clamped to the month's end) and time of day.
std::int64_t add_months(std::int64_t anchor_ms, int n) {
  const sys_days day = day_of(anchor_ms);
  const std::int64_t time_of_day = anchor_ms - to_ms(day);
  year_month_day ymd{day};
  year_month ym = ymd.year() / ymd.month();
  ym += months{n};
  const auto end_day = (ym / std::chrono::last).day();
  const auto d = ymd.day() > end_day ? end_day : ymd.day();
  return to_ms(sys_days{ym / d}) + time_of_day;
}

}  // namespace

std::optional<BudgetPeriod> parse_budget_period(std::string_view s) {
  BudgetPeriod p;
  if (s.empty()) return p;
  if (s == "daily") return p.kind = BudgetPeriod::Kind::daily, p;
  if (s == "weekly") return p.kind = BudgetPeriod::Kind::weekly, p;
  if (s == "monthly") return p.kind = BudgetPeriod::Kind::monthly, p;
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    n = n * 10 + (s[i] - '0');
    if (n > 100'000) return std::nullopt;
    ++i;
  }
  if (i == 0 || n == 0) return std::nullopt;
  const std::string_view unit = s.substr(i);
  if (unit == "mo") {
    if (n > 1200) return std::nullopt;
    p.kind = BudgetPeriod::Kind::months;
    p.months = static_cast<int>(n);
    return p;
  }
  std::int64_t unit_ms = 0;
  if (unit == "s") unit_ms = 1000;
  else if (unit == "m") unit_ms = 60'000;
  else if (unit == "h") unit_ms = 3'600'000;
  else if (unit == "d") unit_ms = 86'400'000;
  else return std::nullopt;
  p.kind = BudgetPeriod::Kind::fixed;
  p.length_ms = n * unit_ms;
  return p;
}

std::int64_t next_reset(const BudgetPeriod& p, std::int64_t anchor_ms, std::int64_t now_ms) {
  switch (p.kind) {
    case BudgetPeriod::Kind::none:
      return 0;
    case BudgetPeriod::Kind::daily:
      return to_ms(day_of(now_ms) + days{1});
    case BudgetPeriod::Kind::weekly: {
      const sys_days today = day_of(now_ms);
      const unsigned wd = weekday{today}.c_encoding();  // 0 = Sunday, 1 = Monday
      const unsigned ahead = (8 - wd) % 7;
      return to_ms(today + days{ahead == 0 ? 7 : ahead});
    }
    case BudgetPeriod::Kind::monthly: {
      const year_month_day ymd{day_of(now_ms)};
      return to_ms(sys_days{(ymd.year() / ymd.month() + months{1}) / 1});
    }
    case BudgetPeriod::Kind::fixed: {
      if (anchor_ms <= 0) return now_ms + p.length_ms;
      if (anchor_ms > now_ms) return anchor_ms;
      const std::int64_t periods = (now_ms - anchor_ms) / p.length_ms + 1;
      return anchor_ms + periods * p.length_ms;
    }
    case BudgetPeriod::Kind::months: {
      if (anchor_ms <= 0) return add_months(now_ms, p.months);
      if (anchor_ms > now_ms) return anchor_ms;
      // Count from the anchor each time (not step by step), so a clamped day (31 → 28) does
      // not stick for the following months.
      for (int k = 1;; ++k) {
        const std::int64_t t = add_months(anchor_ms, k * p.months);
        if (t > now_ms) return t;
      }
    }
  }
  return 0;
}

std::int64_t period_start(const BudgetPeriod& p, std::int64_t reset_at_ms) {
  if (reset_at_ms <= 0) return 0;
  switch (p.kind) {
    case BudgetPeriod::Kind::none:
      return 0;
    case BudgetPeriod::Kind::daily:
      return reset_at_ms - 86'400'000;
    case BudgetPeriod::Kind::weekly:
      return reset_at_ms - 7 * 86'400'000LL;
    case BudgetPeriod::Kind::monthly:
      return add_months(reset_at_ms, -1);
    case BudgetPeriod::Kind::fixed:
      return reset_at_ms - p.length_ms;
    case BudgetPeriod::Kind::months:
      return add_months(reset_at_ms, -p.months);
  }
  return 0;
}

store::Limits budget_as_of(store::Limits limits, std::int64_t now_ms) {
  if (limits.budget_reset_at <= 0 || now_ms < limits.budget_reset_at) return limits;
  const auto period = parse_budget_period(limits.budget_period);
  limits.spend_nano_usd = 0;
  limits.budget_reset_at = period ? next_reset(*period, limits.budget_reset_at, now_ms) : 0;
  return limits;
}

}  // namespace llmgw::policy

#include <catch2/catch.hpp>

#include "policy/budget_period.hpp"
#include "policy/key_admission.hpp"

using namespace llmgw::policy;
using Kind = BudgetPeriod::Kind;

namespace {

// 2026-12-06 (a Sunday) 08:30:15.250 UTC.
constexpr std::int64_t kNow = 1796545815250;
constexpr std::int64_t kDay = 86'400'000;

}  // namespace

TEST_CASE("the test clock is where we think", "[policy][budget]") {
  CHECK(format_utc(kNow) == "2026-12-06T08:30:15Z");
  CHECK(format_utc(0) == "never");
}

TEST_CASE("budget periods parse", "[policy][budget]") {
  CHECK(parse_budget_period("")->kind == Kind::none);
  CHECK(parse_budget_period("daily")->kind == Kind::daily);
  CHECK(parse_budget_period("weekly")->kind == Kind::weekly);
  CHECK(parse_budget_period("monthly")->kind == Kind::monthly);
  CHECK(parse_budget_period("30s")->length_ms == 30'000);
  CHECK(parse_budget_period("15m")->length_ms == 900'000);
  CHECK(parse_budget_period("12h")->length_ms == 12 * 3'600'000);
  CHECK(parse_budget_period("7d")->length_ms == 7 * kDay);
  CHECK(parse_budget_period("3mo")->months == 3);
  for (const char* bad : {"0d", "d", "1w", "1y", "-1d", "1.5d", "yearly", " 1d", "1d ", "999999d", "2000mo"})
    CHECK_FALSE(parse_budget_period(bad).has_value());
}

TEST_CASE("calendar periods reset at UTC boundaries", "[policy][budget]") {
  CHECK(format_utc(next_reset(*parse_budget_period("daily"), 0, kNow)) == "2026-12-07T00:00:00Z");
  // Sunday → the next day is Monday.
  CHECK(format_utc(next_reset(*parse_budget_period("weekly"), 0, kNow)) == "2026-12-07T00:00:00Z");
  // On a Monday, the next Monday (a week on), never the same instant.
  const std::int64_t monday_midnight = next_reset(*parse_budget_period("weekly"), 0, kNow);
  CHECK(format_utc(next_reset(*parse_budget_period("weekly"), 0, monday_midnight)) == "2026-12-14T00:00:00Z");
  CHECK(format_utc(next_reset(*parse_budget_period("monthly"), 0, kNow)) == "2027-01-01T00:00:00Z");
  CHECK(next_reset(*parse_budget_period(""), 0, kNow) == 0);
}

TEST_CASE("LiteLLM durations run from the last reset", "[policy][budget]") {
  const auto week = *parse_budget_period("7d");
  CHECK(next_reset(week, 0, kNow) == kNow + 7 * kDay);
  // A reset time still ahead stays.
  CHECK(next_reset(week, kNow + 5, kNow) == kNow + 5);
  // Missed several periods (nobody called): the next one after now, on the same grid.
  const std::int64_t anchor = kNow - 20 * kDay;
  CHECK(next_reset(week, anchor, kNow) == anchor + 21 * kDay);
  CHECK(next_reset(week, kNow, kNow) == kNow + 7 * kDay);  // reset due exactly now
}

TEST_CASE("month durations keep the day of the month, clamped", "[policy][budget]") {
  const auto month = *parse_budget_period("1mo");
  // 2026-01-31T10:00:00Z
  const std::int64_t jan31 = 1769853600000;
  REQUIRE(format_utc(jan31) == "2026-01-31T10:00:00Z");
  CHECK(format_utc(next_reset(month, 0, jan31)) == "2026-02-28T10:00:00Z");
  // From the Jan 31 anchor, March gets its 31st back (not the clamped 28th).
  CHECK(format_utc(next_reset(month, jan31, jan31 + 40 * kDay)) == "2026-03-31T10:00:00Z");
  CHECK(format_utc(next_reset(*parse_budget_period("3mo"), jan31, jan31)) == "2026-04-30T10:00:00Z");
}

TEST_CASE("the start of the period that ends at a reset time", "[policy][budget]") {
  const std::int64_t jan1 = 1798761600000;  // 2027-01-01T00:00:00Z
  REQUIRE(format_utc(jan1) == "2027-01-01T00:00:00Z");
  CHECK(format_utc(period_start(*parse_budget_period("monthly"), jan1)) == "2026-12-01T00:00:00Z");
  CHECK(format_utc(period_start(*parse_budget_period("daily"), jan1)) == "2026-12-31T00:00:00Z");
  CHECK(format_utc(period_start(*parse_budget_period("weekly"), jan1)) == "2026-12-25T00:00:00Z");
  CHECK(period_start(*parse_budget_period("12h"), jan1) == jan1 - 12 * 3'600'000);
  CHECK(format_utc(period_start(*parse_budget_period("3mo"), jan1)) == "2026-10-01T00:00:00Z");
  CHECK(period_start(*parse_budget_period(""), jan1) == 0);
  CHECK(period_start(*parse_budget_period("daily"), 0) == 0);
  // The round trip: the period that starts at next_reset's anchor ends where it says.
  const auto monthly = *parse_budget_period("monthly");
  CHECK(next_reset(monthly, 0, period_start(monthly, jan1)) == jan1);
}

TEST_CASE("spend returns to 0 once the reset time has passed", "[policy][budget]") {
  llmgw::store::Limits l;
  l.budget_nano_usd = 10'000'000'000;
  l.spend_nano_usd = 10'000'000'000;
  l.budget_period = "daily";
  l.budget_reset_at = kNow + 1000;
  auto before = budget_as_of(l, kNow);
  CHECK(before.spend_nano_usd == 10'000'000'000);
  CHECK(before.budget_reset_at == kNow + 1000);
  auto after = budget_as_of(l, kNow + 1000);
  CHECK(after.spend_nano_usd == 0);
  CHECK(format_utc(after.budget_reset_at) == "2026-12-07T00:00:00Z");
  l.budget_reset_at = 0;  // no reset scheduled: spend stays
  CHECK(budget_as_of(l, kNow + 10 * kDay).spend_nano_usd == 10'000'000'000);
}

#include "policy/key_admission.hpp"

#include <chrono>
#include <cstdio>

#include "policy/budget_period.hpp"
#include "policy/model_access.hpp"
#include "pricing/decimal_price.hpp"

namespace llmgw::policy {
namespace {

Admission refuse(Refusal r, int status, std::string type, std::string message, std::int64_t reset_at = 0) {
  Admission a;
  a.refusal = r;
  a.status = status;
  a.type = std::move(type);
  a.message = std::move(message);
  a.reset_at = reset_at;
  return a;
}

/// A budget refusal, or nullopt while there is budget left. Spend equal to the budget is spent.
bool spent(const store::Limits& limits) {
  return limits.budget_nano_usd >= 0 && limits.spend_nano_usd >= limits.budget_nano_usd;
}

std::string budget_message(const char* whose, const store::Limits& l) {
  std::string m = std::string(whose) + " budget of $" + pricing::format_nano_usd(l.budget_nano_usd);
  if (!l.budget_period.empty()) m += " per " + l.budget_period;
  m += " is spent ($" + pricing::format_nano_usd(l.spend_nano_usd) + ")";
  m += l.budget_reset_at > 0 ? "; it resets at " + format_utc(l.budget_reset_at) : "; it does not reset";
  return m;
}

}  // namespace

std::string format_utc(std::int64_t ms) {
  if (ms <= 0) return "never";
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds{ms}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return buf;
}

Admission admit(const store::KeyRecord& key, const store::TeamRecord* team, std::string_view model,
                std::int64_t now_ms) {
  if (key.expires_at > 0 && now_ms >= key.expires_at)
    return refuse(Refusal::key_expired, 401, "key_expired", "this key expired at " + format_utc(key.expires_at));
  if (key.blocked) return refuse(Refusal::key_blocked, 403, "key_blocked", "this key is blocked");
  if (!key.team_id.empty()) {
    if (!team) return refuse(Refusal::team_missing, 403, "team_not_found", "this key's team no longer exists");
    if (team->blocked) return refuse(Refusal::team_blocked, 403, "team_blocked", "this key's team is blocked");
  }
  if (!model_allowed(key.limits.models, model))
    return refuse(Refusal::model_not_allowed, 403, "model_not_allowed",
                  "this key may not call model '" + std::string(model) + "'");
  if (team && !model_allowed(team->limits.models, model))
    return refuse(Refusal::model_not_allowed, 403, "model_not_allowed",
                  "this key's team may not call model '" + std::string(model) + "'");
  const store::Limits key_budget = budget_as_of(key.limits, now_ms);
  if (spent(key_budget))
    return refuse(Refusal::key_budget_spent, 429, "budget_exceeded", budget_message("this key's", key_budget),
                  key_budget.budget_reset_at);
  if (team) {
    const store::Limits team_budget = budget_as_of(team->limits, now_ms);
    if (spent(team_budget))
      return refuse(Refusal::team_budget_spent, 429, "budget_exceeded",
                    budget_message("this key's team's", team_budget), team_budget.budget_reset_at);
  }
  return {};
}

}  // namespace llmgw::policy

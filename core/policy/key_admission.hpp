// Whether a virtual key may make a call now: the checks that need only the key's and its team's
// records (the limits that need counters — RPM, TPM, parallel requests — are the limiter's).
// Order: expired, key blocked, team missing or blocked, model not allowed by the key or by the
// team, key budget spent, team budget spent. The first that fails is the answer, with the
// status and the message the client gets (in its own dialect).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace llmgw::policy {

enum class Refusal {
  none,
  key_expired,          // 401
  key_blocked,          // 403
  team_missing,         // 403: the key names a team that no longer exists
  team_blocked,         // 403
  model_not_allowed,    // 403 (by the key or by its team)
  key_budget_spent,     // 429, with the budget's reset time
  team_budget_spent,    // 429, with the budget's reset time
};

struct Admission {
  Refusal refusal = Refusal::none;
  int status = 200;
  std::string type;     // error type / code: "key_expired", "budget_exceeded", ...
  std::string message;  // for the client: names the budget and its reset time, never the key
  std::int64_t reset_at = 0;  // budget refusals: when spend returns to 0 (0: never)

  bool admitted() const { return refusal == Refusal::none; }
};

/// `team` is null when the key has no team_id, or when its team was not found (team_missing).
Admission admit(const store::KeyRecord& key, const store::TeamRecord* team, std::string_view model,
                std::int64_t now_ms);

/// "2026-01-01T00:00:00Z" for unix milliseconds (UTC); "never" for 0.
std::string format_utc(std::int64_t ms);

}  // namespace llmgw::policy

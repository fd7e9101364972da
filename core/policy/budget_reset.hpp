// The period reset of stored spend (budget_duration "30s", "1h", "7d", "1mo", "daily"...): every
// key and team whose budget_reset_at has passed gets its spend set to what the ledger holds since
// the start of its new period (0 unless rows of the new period were already written) and its
// reset time moved to the next one. Each row is updated only if its budget_reset_at is still the
// one read (another instance that reset it first wins; nothing is reset twice), with updated_at
// bumped so every key cache sees it. Run by the key cache's refresh (policy/key_cache) at each
// poll; `now_ms` is passed in (tests inject their time). Admission never waits for it:
// policy::budget_as_of gives the same figure in memory the moment the reset time passes.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>

namespace llmgw::policy {

/// Resets what is due at `now_ms`; returns how many keys and teams were reset. Throws
/// store::StoreError when the database fails.
int reset_due_budgets(Poco::Data::Session& session, std::int64_t now_ms);

}  // namespace llmgw::policy

// The Lua scripts of the Redis reservation store (policy/redis_reservation_store), versioned like
// the rate limiter's: the version is in every key they touch (llmgw:bud:v2:<scope>:…) and in the
// text, so another layout never reads these.
//
// Per budget scope ("key:<hash>" or "team:<id>"), and per budget period of it (p<start ms>;
// the period a call reserved in, which its settle and commit keep to). Every call costs a fixed
// number of Redis operations, whatever the traffic: running totals, not a walk over the charges
// (v1 read every charge of the last minute on every reserve, and fell over at a few hundred
// calls a second).
//   <scope>:held         hash   request id → amount reserved (nano-dollars), a call in flight
//   <scope>:hexp         zset   request id → when its reservation lapses (ms): a crashed
//                               instance's reservation expires on its own
//   <scope>:hsum         string the sum of held
//   <scope>:p<P>:tot     hash   unc: settled cost whose ledger row is not committed yet;
//                               cum: committed cost, cumulative; ctrim: cum at the last commit
//                               trimmed from clog
//   <scope>:p<P>:ucost   hash   request id → its uncommitted cost
//   <scope>:p<P>:uexp    zset   request id → when it settled: a charge never committed (its
//                               instance died) stops counting after the charge ttl
//   <scope>:p<P>:clog    zset   "<cum after it>:<request id>" → when it was committed; kept 60 s,
//                               so "committed at or after T" is cum − the entry before T. cum
//                               is written in 20 digits: commits of one millisecond tie on the
//                               score and Redis orders ties by member, so the newest of them
//                               (the largest cum) must also be the greatest string
//   <scope>:p<P>:cmt     hash   request id → commit ms, for a commit that came before its
//                               settle (another connection): the settle then adds nothing
// Every write renews its keys' expiry (reservation ttl + charge ttl): an idle scope vanishes.
// Reserve renews held, hexp and hsum only when due: held has less than max(half that, reservation
// ttl) left (its PTTL, one call, stands for the three, always renewed together), or held or hexp is
// new; and sweeps lapsed reservations only when hexp's oldest has lapsed (ZRANGE 0 0).
//
// reserve  KEYS: 7 per scope (held, hexp, hsum, tot, ucost, uexp, clog). ARGV: request id,
//          amount, now ms, visible as of ms, reservation ttl ms, charge ttl ms, n, then per scope
//          budget, stored spend, period start ms; then (optional) per scope its own visible as of
//          ms (0 or absent: the call's). Drops lapsed reservations and stale charges, then used =
//          stored + held + uncommitted + committed at or after the scope's `visible as of` (the
//          caller's stored spend does not show those yet: commits are stamped as the database
//          stamped the row, store::SpendStamps; a commit over 60 s old is taken to be in every
//          instance's stored spend); refuses at the first scope with used >= budget, else
//          holds `amount` on every scope (all or nothing). A request id already held or charged
//          is admitted again without holding twice.
//          Reply: {refused scope (1-based; 0: admitted), used (refused), headroom (admitted: the
//          least budget − used before this call; -1: none computed)}.
// admit_reserve  The rate limits' admit and reserve in one EVALSHA (limits::admit_joined_text:
//          one script's fixed cost a call where two cost twice), all or nothing across both: the
//          limits' check; when they admit, reserve's check; when it admits too, both writes;
//          otherwise neither writes (a budget refusal leaves no request, tokens or slot counted; a
//          limit refusal holds nothing). The same keys and fields as admit and reserve, so an
//          instance running the two scripts apart runs side by side with one running this.
//          KEYS: admit's 3 per limit scope, then reserve's 7 per budget scope. ARGV: admit's
//          ARGV, then reserve's. An admission lease (limits/admission_lease) is bounded by the
//          budget too: k at most (least headroom − this call's amount b) / b / F (none under 8); counted as a
//          hold `lease:<id>` of k × b on every scope (held, hexp, hsum: an ordinary hold to an
//          older instance), taken off by its calls' settles and its return.
//          Reply: admit's reply, then -1 (limits
//          refused; reserve not checked), 1 (both reserved) or 0 (the budget refused), then
//          (1 or 0) reserve's reply.
// settle   Many calls at once (the settles of one loop turn, policy/settle_batch): KEYS: 7 per
//          (scope, period) group (held, hexp, hsum, tot, ucost, uexp, cmt). ARGV: expiry ms, n
//          calls, then per call request id, cost, now ms, hold ("-": its own, by request id; else
//          an admission lease's hold field "lease:<id>"), its part of that hold, k and its k groups
//          (1-based). Removes each call's hold (a lease's call takes its part off the lease's
//          hold, deleted when it reaches 0) and, if it was held on any of its groups and cost > 0,
//          records the uncommitted charge on each (unless its commit came first). A fixed number of Redis
//          calls per group, whatever n (a script per call cost ~38 us of Redis, its text hashed
//          and four PEXPIREs a scope each time). Reply: 1.
// commit   Many calls at once (one ledger batch): KEYS: 5 per (scope, period) group (tot, ucost,
//          uexp, clog, cmt). ARGV: now ms, expiry ms, n groups, then per group its stamp (the
//          updated_at the batch wrote on the scope's row, store::SpendStamps: the clog's score),
//          the number of calls m and m pairs (request id, cost). Moves each charge from
//          uncommitted to committed, in the given order (each clog entry carries cum after it); a fixed number
//          of Redis calls per group, whatever m (one script call per row cost ~13 calls a row and
//          a round trip of the ledger writer's: the writer fell behind at 5,000 calls a second).
//          Reply: 1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "limits/redis_scripts.hpp"

namespace llmgw::policy {

inline constexpr std::string_view kBudgetScriptVersion = "v2";

using BudgetScript = limits::RedisScript;

const BudgetScript& reserve_budget_script();
const BudgetScript& admit_reserve_script();
const BudgetScript& settle_budget_script();
const BudgetScript& commit_budget_script();

/// "llmgw:bud:v2:<scope>:<suffix>".
std::string budget_key(std::string_view scope, std::string_view suffix);
/// "llmgw:bud:v2:<scope>:p<period start ms>:<suffix>".
std::string budget_period_key(std::string_view scope, std::int64_t period_start_ms, std::string_view suffix);

/// The KEYS of each script for one scope, appended to `out` in the script's order.
void push_reserve_keys(std::vector<std::string>& out, std::string_view scope, std::int64_t period_start_ms);
void push_settle_keys(std::vector<std::string>& out, std::string_view scope, std::int64_t period_start_ms);
void push_commit_keys(std::vector<std::string>& out, std::string_view scope, std::int64_t period_start_ms);

}  // namespace llmgw::policy

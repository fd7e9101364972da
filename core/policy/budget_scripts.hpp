// The Lua scripts of the Redis reservation store (policy/redis_reservation_store), versioned like
// the rate limiter's: the version is in every key they touch (llmgw:bud:v1:<scope>:…) and in the
// text, so another layout never reads these.
//
// Per budget scope ("key:<hash>" or "team:<id>") four keys:
//   <scope>:held  hash   request id → amount reserved (nano-dollars), a call in flight
//   <scope>:hexp  zset   request id → when its reservation lapses (ms): a crashed instance's
//                        reservation expires on its own
//   <scope>:chg   hash   request id → "<cost> <settled ms>": a settled cost whose ledger row the
//                        stored spend (the database, read by each instance's key cache) may not
//                        show yet
//   <scope>:cmt   hash   request id → when its ledger row was committed (ms); may come before
//                        the charge (another connection), so it is a separate marker
// Every write renews the four keys' expiry (reservation ttl + charge ttl): an idle scope vanishes.
//
// reserve  KEYS: 4 per scope (held, hexp, chg, cmt). ARGV: request id, amount, now ms, visible
//          as of ms, reservation ttl ms, charge ttl ms, n, then per scope budget, stored spend,
//          period start ms. Drops lapsed reservations and stale charges, then
//          used = stored + held + charges of this period that the caller's stored spend does not
//          show yet (not committed, or committed at or after its `visible as of`); a committed
//          charge is kept 60 s for the other instances, whose key caches may be staler than the
//          caller's (dropping it at the first caller that sees it under-counted on the others);
//          refuses at the first scope
//          with used >= budget, else holds `amount` on every scope (all or nothing). A request
//          id already held or charged is admitted again without holding twice.
//          Reply: {refused scope (1-based; 0: admitted), used (refused), headroom (admitted: the
//          least budget − used before this call; -1: none computed)}.
// settle   KEYS: 4 per scope. ARGV: request id, cost, now ms, expiry ms. Removes the hold and,
//          if there was one and cost > 0, records the charge. Reply: 1 held, 0 not.
// commit   KEYS: per scope its cmt key. ARGV: request id, now ms, expiry ms. Reply: 1.
#pragma once

#include <string>
#include <string_view>

#include "limits/redis_scripts.hpp"

namespace llmgw::policy {

inline constexpr std::string_view kBudgetScriptVersion = "v1";

using BudgetScript = limits::RedisScript;

const BudgetScript& reserve_budget_script();
const BudgetScript& settle_budget_script();
const BudgetScript& commit_budget_script();

/// "llmgw:bud:v1:<scope>:<suffix>".
std::string budget_key(std::string_view scope, std::string_view suffix);

}  // namespace llmgw::policy

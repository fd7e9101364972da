// The two Lua scripts of the Redis limiter, versioned: the version is in every key they touch
// (llmgw:rl:v2:…) and in the text, so a changed layout never reads another's counters, and an
// instance of another version runs its own script (by its own SHA-1) side by side.
//
// admit  KEYS: per scope, 3 keys: <scope>:req (sorted set: one member per admitted request,
//              score = admission ms), <scope>:tok (hash: unix second → tokens reserved, and
//              the window's running total: fields sum, lo, hi; and xp, the expiry last given
//              after a write, so that it is renewed about once a second, not on every call;
//              see kTokenWindow in the .cpp),
//              <scope>:par (sorted set: one member per call in flight, score = lease end ms).
//        ARGV: member (unique per call), token estimate, parallel lease ms, n scopes, then per
//              scope rpm, tpm, parallel (0: not limited), then the admission lease asked (k
//              calls, 0: none), its fan-out factor F and the calls a second of this class on the
//              caller's loop (k is at most half what they would use in what is left of the second).
//        Checks every scope on Redis' own clock (TIME: one clock for every instance); reserves in
//        all of them only if all fit. Reply: integers {allowed 1/0, refused scope (1-based, 0),
//        refused dimension (1 requests, 2 tokens, 3 parallel), retry ms, now ms, then per scope
//        req limit, req remaining, req reset ms, tok limit, tok remaining, tok reset ms,
//        par limit, par remaining, then the lease granted: k (0: none) and its end ms}.
//        An admission lease (limits/admission_lease): when the call is admitted with at least
//        F × k' left after it in every dimension (requests: k' calls; tokens: k' estimates),
//        k' = min(k, those, rate × ms left / 2000), k' >= 8, and no scope has a parallel limit,
//        the script also counts
//        k' more calls of this class at once: k' request-log members `<member>:L<j>` scored at
//        the end of this second (a call admitted from the lease at t <= that end is counted
//        from now until end + 60 s >= t + 60 s) and k' × estimate tokens in this second's
//        bucket. The caller's loop admits up to k' calls from it without a round trip until
//        that end, then gives back what it did not use (lease_return).
// lease_return KEYS: per limit scope its 3 keys, then per budget scope of the lease its hold
//              keys (held, hexp, hsum). ARGV: lease id (the granting call's member), the
//              lease's second, n, m, first and last unused member index, unused tokens, unused
//              budget hold (nano-dollars), then per limit scope "1"/"0" request log,
//              "1"/"0" tokens. Removes the unused members, refunds the tokens (if the second is
//              still in the window), takes the unused amount off the hold `lease:<id>` (deleted
//              when it reaches 0).
// finish The ends of many calls (limits/finish_batch). KEYS: nt <scope>:tok keys, then ns
//              <scope>:par keys. ARGV: nt, ns, then per token key its second and correction
//              (actual − reserved, summed over the calls of that scope, second and sign), then
//              per parallel key the member whose slot is freed. Reconciles TPM (a correction
//              whose second left the window goes to this second, a refund is dropped) and frees
//              the parallel slots.
// release KEYS: per scope, 3 keys as admit's. ARGV: member, admission second, n, then per scope
//              the token refund ("-" for none), "1"/"0" parallel slot held, "1"/"0" request
//              counted. finish for a call admitted here whose budget then refused it (the two
//              scripts go out side by side): its request leaves the RPM window, its tokens are
//              refunded (if their second is still in the window), its slot freed.
//
// Why sorted sets for requests and buckets for tokens: a request is one event, so an exact log
// (bounded by the RPM limit, O(log n) per add) gives an exact sliding window and an exact retry
// time; tokens arrive in amounts that are corrected after the call, and a per-second hash (at
// most 60 fields) takes a correction in place at O(1) where a log would need one member per
// token amount; a running total (v2) spares the sum over the buckets on every check. Parallel slots are a sorted set of
// leases rather than a counter so that a crashed instance's slots expire one by one (a counter's
// single expiry would be renewed by every other call and never fire).
#pragma once

#include <string>
#include <string_view>

namespace llmgw::limits {

inline constexpr std::string_view kScriptVersion = "v2";

struct RedisScript {
  std::string_view text;
  std::string sha1;  // hex, as EVALSHA wants it
};
/// A script with its SHA-1 (what EVALSHA names it by); the budget scripts are made the same way.
RedisScript redis_script(std::string_view text);

/// `text` as sent to Redis: its first line (what it is, with its version) kept, every other
/// comment line, blank line and indentation dropped. Redis hashes an EVAL's text twice per call
/// (SHA-1 for the script's flags, then to run it: ~10 instructions a byte, 14% of its
/// instructions at 100 governed calls a second); the batched finishes and settles go by EVAL.
std::string lua_compact(std::string_view text);

/// Lua defining lease_hold_take(kheld, khexp, khsum, hid, d) -> the hold's value after: takes
/// `d` off an admission lease's budget hold field `hid` ("lease:<id>") on one scope (held hash,
/// its expiry zset, the scope's running sum); at 0 or below the field goes, and the sum loses
/// only what the field still had. The lease's return (lease_return) and its calls' settles
/// (policy/budget_scripts: settle) each take their part, in any order, through this one function.
extern const std::string_view kLeaseHoldTake;

const RedisScript& admit_script();
const RedisScript& finish_script();
const RedisScript& release_script();
const RedisScript& lease_return_script();

/// The admit script joined with another script in one EVALSHA, all or nothing across both (the
/// budget's reserve: policy/admit_reserve_script). `functions` is Lua defining
///   joined_check(KEYS, ARGV, ko, ao) -> admitted (boolean), reply (a table of integers), state
///   joined_write(KEYS, ARGV, ko, ao, state)
/// (its KEYS from KEYS[ko + 1], its ARGV from ARGV[ao + 1]: no copies of slices)
/// and the joined script runs admit's check; when the limits admit, joined_check; when it admits
/// too, admit's writes and joined_write; otherwise nothing is reserved on either side (the
/// sweeps of lapsed entries both checks make aside). An admission lease is bounded by the
/// other side too and counted there:
///   joined_lease_bound(ARGV, ao, reply, state, k, F) -> k (0: no lease)
///   joined_lease(KEYS, ARGV, ko, ao, state, k, lease id)
///   KEYS: admit's keys (3n), then the other's. ARGV: admit's arguments (7 + 3n), then the
///         other's.
///   Reply: admit's reply (7 + 8n integers), then -1 (the limits refused: the other was not
///         checked) or 1 (both admitted and reserved) or 0 (the other refused: nothing
///         reserved), then (1 or 0) joined_check's reply.
/// Its first line names it (with its version); the text is the caller's to keep.
std::string admit_joined_text(std::string_view first_line, std::string_view functions);

/// "llmgw:rl:v2:<scope id>:<suffix>".
std::string redis_key(std::string_view scope_id, std::string_view suffix);

}  // namespace llmgw::limits

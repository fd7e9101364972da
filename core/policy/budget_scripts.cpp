#include "policy/budget_scripts.hpp"

#include <string>

namespace llmgw::policy {
namespace {

// The reserve script's check and write as local functions (reading KEYS and ARGV from offsets), so
// that the rate limits' admit can run them in its own EVALSHA (admit_reserve_script): bud_check
// decides (writing only the sweeps of lapsed holds and stale charges), bud_write holds.
// bud_check returns admitted, the reply ({refused scope, used, headroom}) and its state.
constexpr std::string_view kReserveFunctions = R"lua(
local function bud_check(KEYS, ARGV, ko, ao)
local req = ARGV[ao + 1]
local now = tonumber(ARGV[ao + 3])
local n = tonumber(ARGV[ao + 7])
local K = 7
for i = 1, n do
  local b = K * (i - 1)
  if redis.call('HEXISTS', KEYS[ko + b + 1], req) == 1 or redis.call('HEXISTS', KEYS[ko + b + 5], req) == 1 then
    return true, {0, 0, -1}, nil
  end
end
local cttl = tonumber(ARGV[ao + 6])
local headroom = -1
local arm = {}
for i = 1, n do
  local b = K * (i - 1)
  local kheld, khexp, khsum, ktot, kucost, kuexp, kclog = KEYS[ko + b + 1], KEYS[ko + b + 2], KEYS[ko + b + 3], KEYS[ko + b + 4], KEYS[ko + b + 5], KEYS[ko + b + 6], KEYS[ko + b + 7]
  local budget = tonumber(ARGV[ao + 5 + 3 * i])
  local used = tonumber(ARGV[ao + 6 + 3 * i])
  -- Lapsed reservations: swept only when the oldest has lapsed (ZRANGE 0 0 is one call, as the
  -- range read was; the same holds go). No oldest: hexp is new and needs its expiry.
  local oldest = redis.call('ZRANGE', khexp, 0, 0, 'WITHSCORES')
  if #oldest == 0 then arm[i] = true end
  if #oldest > 0 and tonumber(oldest[2]) <= now then
    arm[i] = true
    local gone = redis.call('ZRANGEBYSCORE', khexp, '-inf', now)
    for _, id in ipairs(gone) do
      local a = redis.call('HGET', kheld, id)
      if a then
        redis.call('HDEL', kheld, id)
        redis.call('DECRBY', khsum, a)
      end
    end
    redis.call('ZREMRANGEBYSCORE', khexp, '-inf', now)
  end
  local stale = redis.call('ZRANGEBYSCORE', kuexp, '-inf', now - cttl)
  if #stale > 0 then
    for _, id in ipairs(stale) do
      local c = redis.call('HGET', kucost, id)
      if c then
        redis.call('HDEL', kucost, id)
        redis.call('HINCRBY', ktot, 'unc', '-' .. c)
      end
    end
    redis.call('ZREMRANGEBYSCORE', kuexp, '-inf', now - cttl)
  end
  local t = redis.call('HMGET', ktot, 'unc', 'cum', 'ctrim')
  local unc, cum, before = tonumber(t[1] or 0), tonumber(t[2] or 0), tonumber(t[3] or 0)
  local vis = ARGV[ao + 7 + 3 * n + i]
  if not vis or vis == '0' then vis = ARGV[ao + 4] end
  local last = redis.call('ZREVRANGEBYSCORE', kclog, '(' .. vis, '-inf', 'LIMIT', 0, 1)
  if #last > 0 then before = tonumber(string.sub(last[1], 1, string.find(last[1], ':', 1, true) - 1)) end
  used = used + tonumber(redis.call('GET', khsum) or 0) + unc + (cum - before)
  if used >= budget then return false, {i, used, 0}, nil end
  local room = budget - used
  if headroom < 0 or room < headroom then headroom = room end
end
arm.now, arm.cttl, arm.n = now, cttl, n  -- (parsed: for bud_write)
return true, {0, 0, headroom}, arm
end
-- Expiry: held, hexp and hsum are always given theirs together (ttl + cttl, here and in every
-- earlier version), so held's PTTL stands for all three. Renewed only when held has less than half
-- of it (never less than ttl) left, or a key is new (held: PTTL -1 or -2; hexp: had no oldest):
-- a scope in use never lapses, and one call replaces three. `arm` nil: the id was already held
-- or charged, nothing to hold.
local function bud_write(KEYS, ARGV, ko, ao, arm)
if not arm then return end
local req = ARGV[ao + 1]
local now = arm.now
local ttl = tonumber(ARGV[ao + 5])
local cttl = arm.cttl
local n = arm.n
local K = 7
local keep = math.max(math.floor((ttl + cttl) / 2), ttl)
for i = 1, n do
  local b = K * (i - 1)
  if not arm[i] and redis.call('PTTL', KEYS[ko + b + 1]) < keep then arm[i] = true end
  redis.call('HSET', KEYS[ko + b + 1], req, ARGV[ao + 2])
  redis.call('ZADD', KEYS[ko + b + 2], now + ttl, req)
  redis.call('INCRBY', KEYS[ko + b + 3], ARGV[ao + 2])
  -- Only what this script writes (the totals, charges and commit log are settle's and commit's,
  -- which give them their own expiry).
  if arm[i] then for k = 1, 3 do redis.call('PEXPIRE', KEYS[ko + b + k], ttl + cttl) end end
end
end
)lua";

// An admission lease's budget part (limits/admission_lease): bounded by the least headroom after
// this call, in estimates of this call (b) over the fan-out F; counted as one hold `lease:<id>`
// of k × b on every scope, an ordinary hold (swept when it lapses, like any).
constexpr std::string_view kLeaseFunctions = R"lua(
local function bud_lease_bound(ARGV, ao, reply, arm, k, fan)
if not arm then return 0 end
local b = tonumber(ARGV[ao + 2])
if b <= 0 then return k end
local room = reply[3]
if room < 0 then return 0 end
local kb = math.floor((room - b) / b / fan)
if kb < k then k = kb end
if k < 8 then k = 0 end
return k
end
local function bud_lease(KEYS, ARGV, ko, ao, arm, k, id)
local b = tonumber(ARGV[ao + 2])
if b <= 0 then return end
local ttl = tonumber(ARGV[ao + 5])
local amount = string.format('%d', k * b)
local hid = 'lease:' .. id
for i = 1, arm.n do
  local o = ko + 7 * (i - 1)
  redis.call('HSET', KEYS[o + 1], hid, amount)
  redis.call('ZADD', KEYS[o + 2], arm.now + ttl, hid)
  redis.call('INCRBY', KEYS[o + 3], amount)
end
end
)lua";

constexpr std::string_view kReserveBody = R"lua(
local admitted, reply, arm = bud_check(KEYS, ARGV, 0, 0)
if admitted then bud_write(KEYS, ARGV, 0, 0, arm) end
return reply
)lua";

// For admit_reserve_script: the limits' joined script calls these.
constexpr std::string_view kJoinedNames = R"lua(
local joined_check, joined_write, joined_lease_bound, joined_lease = bud_check, bud_write, bud_lease_bound, bud_lease
)lua";

const std::string& reserve_text() {
  static const std::string text =
      limits::lua_compact(std::string("-- llmgw budgets v2: reserve (check and hold, all or nothing; O(1) per scope)")
                              .append(kReserveFunctions)
                              .append(kReserveBody));
  return text;
}

const std::string& admit_reserve_text() {
  static const std::string text = limits::admit_joined_text(
      "-- llmgw rate limits v2 + budgets v2: admit and reserve (limits and budgets, all or nothing; admission leases)",
      std::string(kReserveFunctions).append(kLeaseFunctions).append(kJoinedNames));
  return text;
}

// settle's expiry: what it writes (tot, ucost, uexp; cmt it only empties) is given px together,
// here and by commit, so ucost's PTTL stands for the three; renewed only when that is below
// `keep` (>= the charge ttl) or ucost is new (an emptied hash is deleted and comes back without
// one: -1), where four PEXPIREs a batch were a third of the script's calls. (No comments inside
// the Lua text: Redis hashes an EVAL's text twice a call, ~10 instructions a byte.)
constexpr std::string_view kSettle = R"lua(-- llmgw budgets v2: settle many (each hold replaced by its cost, or its part of a lease hold taken off; per scope and period, O(1) calls; expiry renewed when due)
local px = ARGV[1]
local keep = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local K = 7
local ng = #KEYS / K
local ids, costs, nows, groups, holds, parts = {}, {}, {}, {}, {}, {}
for g = 1, ng do groups[g] = {} end
local a = 4
for c = 1, n do
  ids[c], costs[c], nows[c], holds[c], parts[c] = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
  local k = tonumber(ARGV[a + 5])
  for j = 1, k do
    local t = groups[tonumber(ARGV[a + 5 + j])]
    t[#t + 1] = c
  end
  a = a + 6 + k
end
-- A call held on any of its scopes is charged on all of them (as one call's settle was).
local held = {}
for g = 1, ng do
  local b = K * (g - 1)
  local m = groups[g]
  if #m > 0 then
    local gids, lids, lsum, lcalls = {}, {}, {}, {}
    for j = 1, #m do
      local c = m[j]
      if holds[c] == '-' then
        gids[#gids + 1] = ids[c]
      else
        local h = holds[c]
        if not lsum[h] then lids[#lids + 1] = h; lsum[h] = 0; lcalls[h] = {} end
        lsum[h] = lsum[h] + parts[c]
        local l = lcalls[h]
        l[#l + 1] = c
      end
    end
    if #gids > 0 then
      local h = redis.call('HMGET', KEYS[b + 1], unpack(gids))
      local found, sum = {}, 0
      local o = 0
      for j = 1, #m do
        local c = m[j]
        if holds[c] == '-' then
          o = o + 1
          if h[o] then
            held[c] = true
            found[#found + 1] = gids[o]
            sum = sum + tonumber(h[o])
          end
        end
      end
      if #found > 0 then
        redis.call('HDEL', KEYS[b + 1], unpack(found))
        redis.call('DECRBY', KEYS[b + 3], string.format('%d', sum))
      end
      redis.call('ZREM', KEYS[b + 2], unpack(gids))
    end
    -- A lease's calls: each takes its own estimate off the lease's hold (it existed: they are
    -- charged); the field goes at 0, once the lease's other calls and its return came.
    for _, hid in ipairs(lids) do
      local d = lsum[hid]
      local v = lease_hold_take(KEYS[b + 1], KEYS[b + 2], KEYS[b + 3], hid, d)
      if v + d > 0 then for _, c in ipairs(lcalls[hid]) do held[c] = true end end
    end
  end
end
for g = 1, ng do
  local b = K * (g - 1)
  local ch = {}
  for _, c in ipairs(groups[g]) do
    if held[c] and tonumber(costs[c]) > 0 then ch[#ch + 1] = c end
  end
  if #ch > 0 then
    local cids = {}
    for j = 1, #ch do cids[j] = ids[ch[j]] end
    local early = redis.call('HMGET', KEYS[b + 7], unpack(cids))
    local gone, hs, zs, sum = {}, {}, {}, 0
    for j = 1, #ch do
      local c = ch[j]
      if early[j] then
        gone[#gone + 1] = ids[c]
      else
        hs[#hs + 1] = ids[c]
        hs[#hs + 1] = costs[c]
        zs[#zs + 1] = nows[c]
        zs[#zs + 1] = ids[c]
        sum = sum + tonumber(costs[c])
      end
    end
    if #gone > 0 then redis.call('HDEL', KEYS[b + 7], unpack(gone)) end
    if #hs > 0 then
      redis.call('HSET', KEYS[b + 5], unpack(hs))
      redis.call('ZADD', KEYS[b + 6], unpack(zs))
      redis.call('HINCRBY', KEYS[b + 4], 'unc', string.format('%d', sum))
    end
    if redis.call('PTTL', KEYS[b + 5]) < keep then
      for k = 4, 6 do redis.call('PEXPIRE', KEYS[b + k], px) end
    end
  end
end
return 1
)lua";

// commit's log: a group's calls are logged at its stamp with the running cum. A commit whose
// stamp is below one already logged (another instance's commit of the same row reached Redis
// first) goes in before it, and the entries after it move up by its total: cum stays in stamp
// order, as a reader's "cum after my stamp minus cum at it" needs.
constexpr std::string_view kCommit = R"lua(-- llmgw budgets v2: commit many (ledger rows in the database, stamped as the database stamped each scope's row; per scope and period, O(1) calls)
local now = tonumber(ARGV[1])
local px = tonumber(ARGV[2])
local ng = tonumber(ARGV[3])
local horizon = '(' .. string.format('%d', now - 60000)
local K = 5
local a = 4
for g = 1, ng do
  local b = K * (g - 1)
  local ktot, kucost, kuexp, kclog, kcmt = KEYS[b + 1], KEYS[b + 2], KEYS[b + 3], KEYS[b + 4], KEYS[b + 5]
  local stamp = ARGV[a]
  local m = tonumber(ARGV[a + 1])
  a = a + 2
  local ids, costs, total = {}, {}, 0
  for j = 1, m do
    ids[j] = ARGV[a]
    costs[j] = tonumber(ARGV[a + 1])
    total = total + costs[j]
    a = a + 2
  end
  local u = redis.call('HMGET', kucost, unpack(ids))
  local found, early, unc = {}, {}, 0
  for j = 1, m do
    if u[j] then
      found[#found + 1] = ids[j]
      unc = unc + tonumber(u[j])
    else
      early[#early + 1] = ids[j]
      early[#early + 1] = stamp
    end
  end
  if #found > 0 then
    redis.call('HDEL', kucost, unpack(found))
    redis.call('ZREM', kuexp, unpack(found))
    redis.call('HINCRBY', ktot, 'unc', string.format('%d', -unc))
  end
  if #early > 0 then redis.call('HSET', kcmt, unpack(early)) end
  local cum = redis.call('HINCRBY', ktot, 'cum', string.format('%d', total)) - total
  local later = redis.call('ZRANGEBYSCORE', kclog, '(' .. stamp, '+inf', 'WITHSCORES')
  if #later > 0 then
    local prev = redis.call('ZREVRANGEBYSCORE', kclog, stamp, '-inf', 'LIMIT', 0, 1)
    if #prev > 0 then cum = tonumber(string.sub(prev[1], 1, string.find(prev[1], ':', 1, true) - 1))
    else cum = tonumber(redis.call('HGET', ktot, 'ctrim') or 0) end
    redis.call('ZREMRANGEBYSCORE', kclog, '(' .. stamp, '+inf')
    local moved = {}
    for j = 1, #later, 2 do
      local e = later[j]
      local sep = string.find(e, ':', 1, true)
      moved[#moved + 1] = later[j + 1]
      moved[#moved + 1] = string.format('%020d', tonumber(string.sub(e, 1, sep - 1)) + total) .. string.sub(e, sep)
    end
    redis.call('ZADD', kclog, unpack(moved))
  end
  local log = {}
  for j = 1, m do
    cum = cum + costs[j]
    log[#log + 1] = stamp
    log[#log + 1] = string.format('%020d', cum) .. ':' .. ids[j]
  end
  redis.call('ZADD', kclog, unpack(log))
  local old = redis.call('ZREVRANGEBYSCORE', kclog, horizon, '-inf', 'LIMIT', 0, 1)
  if #old > 0 then
    redis.call('HSET', ktot, 'ctrim', string.sub(old[1], 1, string.find(old[1], ':', 1, true) - 1))
    redis.call('ZREMRANGEBYSCORE', kclog, '-inf', horizon)
  end
  for k = 1, K do redis.call('PEXPIRE', KEYS[b + k], px) end
end
return 1
)lua";

}  // namespace

const BudgetScript& reserve_budget_script() {
  static const BudgetScript s = limits::redis_script(reserve_text());
  return s;
}

const BudgetScript& admit_reserve_script() {
  static const BudgetScript s = limits::redis_script(admit_reserve_text());
  return s;
}

const BudgetScript& settle_budget_script() {
  // (The lease hold's decrement is the limits' lease_return's own function.)
  static const std::string text = [] {
    const std::size_t eol = kSettle.find('\n');
    return limits::lua_compact(
        std::string(kSettle.substr(0, eol)).append(limits::kLeaseHoldTake).append(kSettle.substr(eol)));
  }();
  static const BudgetScript s = limits::redis_script(text);
  return s;
}

const BudgetScript& commit_budget_script() {
  static const std::string text = limits::lua_compact(kCommit);
  static const BudgetScript s = limits::redis_script(text);
  return s;
}

std::string budget_key(std::string_view scope, std::string_view suffix) {
  std::string k = "llmgw:bud:";
  k.append(kBudgetScriptVersion).append(":").append(scope).append(":").append(suffix);
  return k;
}

std::string budget_period_key(std::string_view scope, std::int64_t period_start_ms, std::string_view suffix) {
  std::string k = "p";  // appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on "p" + std::string
  k.append(std::to_string(period_start_ms)).append(":").append(suffix);
  return budget_key(scope, k);
}

void push_reserve_keys(std::vector<std::string>& out, std::string_view scope, std::int64_t period_start_ms) {
  for (const char* s : {"held", "hexp", "hsum"}) out.push_back(budget_key(scope, s));
  for (const char* s : {"tot", "ucost", "uexp", "clog"}) out.push_back(budget_period_key(scope, period_start_ms, s));
}

void push_settle_keys(std::vector<std::string>& out, std::string_view scope, std::int64_t period_start_ms) {
  for (const char* s : {"held", "hexp", "hsum"}) out.push_back(budget_key(scope, s));
  for (const char* s : {"tot", "ucost", "uexp", "cmt"}) out.push_back(budget_period_key(scope, period_start_ms, s));
}

void push_commit_keys(std::vector<std::string>& out, std::string_view scope, std::int64_t period_start_ms) {
  for (const char* s : {"tot", "ucost", "uexp", "clog", "cmt"}) out.push_back(budget_period_key(scope, period_start_ms, s));
}

}  // namespace llmgw::policy

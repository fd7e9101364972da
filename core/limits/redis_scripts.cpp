#include "limits/redis_scripts.hpp"

#include <openssl/sha.h>

#include <string>

namespace llmgw::limits {
namespace {

// The token window's running total, shared by the scripts (tok_correct: a finished call's tokens
// put right in their second's bucket): `<scope>:tok` holds one field per
// unix second (tokens counted in it) and three of its own: `sum` (the total of the buckets from
// `lo` on), `lo` (the oldest second `sum` still counts) and `hi` (the newest bucket written). A
// check moves `lo` up to the window's start, subtracting the buckets that left it: amortised O(1)
// a call (at most 59 buckets after a quiet minute, then one HMGET and one HDEL), where summing
// every bucket on every check cost ~40 us of Lua per call at 1,000 req/s.
constexpr std::string_view kTokenWindow = R"lua(
local function tok_trim(kt, now_s)
  local st = redis.call('HMGET', kt, 'sum', 'lo', 'hi', 'xp')
  local sum, lo, hi, xp = tonumber(st[1] or 0), tonumber(st[2]), tonumber(st[3] or -1), tonumber(st[4])
  local start = now_s - 59
  if lo and lo < start then
    if start - lo >= 60 then
      redis.call('DEL', kt)
      return 0, nil, -1, nil
    end
    local gone = {}
    for b = lo, start - 1 do gone[#gone + 1] = b end
    local v = redis.call('HMGET', kt, unpack(gone))
    for j = 1, #v do if v[j] then sum = sum - tonumber(v[j]) end end
    redis.call('HDEL', kt, unpack(gone))
    if sum < 0 then sum = 0 end
    redis.call('HSET', kt, 'sum', sum, 'lo', start)
    lo = start
  end
  return sum, lo, hi, xp
end
-- A write to bucket b <= now_s: the key must outlive the window it is in, (now_s + 60) s. `xp` is
-- the expiry this script last gave the key (every version gives now + 61 s after a write, so the
-- key's real expiry is never earlier); PEXPIRE only when it falls short of that (about once a
-- second a key, where every call renewed it).
local function tok_add(kt, b, d, lo, hi, xp, now_s, now)
  local v = redis.call('HINCRBY', kt, b, d)
  if v < 0 then redis.call('HSET', kt, b, 0); d = d - v end
  redis.call('HINCRBY', kt, 'sum', d)
  local set = {}
  if not lo then set[#set + 1] = 'lo'; set[#set + 1] = now_s - 59 end
  if b > hi then set[#set + 1] = 'hi'; set[#set + 1] = b end
  local arm = not xp or xp < (now_s + 60) * 1000
  if arm then set[#set + 1] = 'xp'; set[#set + 1] = now + 61000 end
  if #set > 0 then redis.call('HSET', kt, unpack(set)) end
  if arm then redis.call('PEXPIRE', kt, 61000) end
end
local function tok_correct(kt, b, d, now_s, now)
  local _, lo, hi, xp = tok_trim(kt, now_s)
  tok_add(kt, b, d, lo, hi, xp, now_s, now)
end
)lua";

// The admit script's two halves as local functions, so that another script can run between them
// in the same EVALSHA (admit_joined_text: the budget's reserve): rl_check reads every scope and
// decides (writing only the sweeps of entries that left their windows), rl_write reserves. They
// read their KEYS and ARGV from offsets `ko` and `ao` (0 in admit itself). (Not copies of the
// slices: a Lua table grown one element at a time costs ~1k instructions an element in Redis,
// callgrind: slicing a joined script's 29 arguments into tables cost ~29k a call.) rl_write
// takes the numbers rl_check parsed (each tonumber() is a strtod: ~7k a call in all).
constexpr std::string_view kAdmitFunctions = R"lua(
local function rl_check(KEYS, ARGV, ko, ao)
local W = 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local now_s = math.floor(now / 1000)
local est = tonumber(ARGV[ao + 2])
local n = tonumber(ARGV[ao + 4])
local allowed, refused, dim, retry = 1, 0, 0, 0
local figs, toks = {}, {}
local function refuse(i, d, r)
  if allowed == 1 then allowed = 0; refused = i; dim = d end
  if r > retry then retry = r end
end
for i = 1, n do
  local rpm = tonumber(ARGV[ao + 2 + 3 * i])
  local tpm = tonumber(ARGV[ao + 3 + 3 * i])
  local par = tonumber(ARGV[ao + 4 + 3 * i])
  local kr, kt, kp = KEYS[ko + 3 * i - 2], KEYS[ko + 3 * i - 1], KEYS[ko + 3 * i]
  local f = {rpm, 0, 0, tpm, 0, 0, par, 0}
  if rpm > 0 then
    redis.call('ZREMRANGEBYSCORE', kr, '-inf', now - W)
    local c = redis.call('ZCARD', kr)
    if c + 1 <= rpm then
      f[2] = rpm - c - 1; f[3] = W
    else
      f[2] = math.max(0, rpm - c)
      local newest = redis.call('ZRANGE', kr, -1, -1, 'WITHSCORES')
      f[3] = tonumber(newest[2]) + W - now
      local o = redis.call('ZRANGE', kr, c - rpm, c - rpm, 'WITHSCORES')
      refuse(i, 1, math.max(1, tonumber(o[2]) + W - now))
    end
  end
  if tpm > 0 then
    local need = est
    if need > tpm then need = tpm end
    local used, lo, hi, xp = tok_trim(kt, now_s)
    toks[i] = {lo, hi, xp}
    local newest = -1
    if used > 0 and hi >= now_s - 59 then newest = hi end
    if used + need <= tpm then
      f[5] = tpm - used - need
      if need > 0 then f[6] = W - now % 1000 elseif newest >= 0 then f[6] = (newest + 60) * 1000 - now end
    else
      f[5] = math.max(0, tpm - used)
      if newest >= 0 then f[6] = (newest + 60) * 1000 - now end
      -- Refused: when enough of the window's buckets will have left it (the only full read).
      local h = redis.call('HGETALL', kt)
      local live = {}
      for j = 1, #h, 2 do
        local b, v = tonumber(h[j]), tonumber(h[j + 1])
        if b and b > now_s - 60 and b <= now_s and v > 0 then live[#live + 1] = {b, v} end
      end
      table.sort(live, function(a, b) return a[1] < b[1] end)
      local left, r = used, W
      for j = 1, #live do
        left = left - live[j][2]
        if left + need <= tpm then r = (live[j][1] + 60) * 1000 - now; break end
      end
      refuse(i, 2, math.max(1, r))
    end
  end
  if par > 0 then
    redis.call('ZREMRANGEBYSCORE', kp, '-inf', now)
    local c = redis.call('ZCARD', kp)
    if c + 1 <= par then f[8] = par - c - 1 else f[8] = math.max(0, par - c); refuse(i, 3, 1000) end
  end
  figs[i] = f
end
-- An admission lease (ARGV after the scopes: calls asked, fan-out F, the loop's calls a second):
-- k more admissions of this class for the caller's loop, counted now, if every dimension has F
-- times that left after this call and k >= 8 (a smaller lease saves little); none under any
-- parallel limit, nor when the estimate exceeds a TPM limit.
local lk = tonumber(ARGV[ao + 5 + 3 * n] or 0)
local fan = tonumber(ARGV[ao + 6 + 3 * n] or 1)
local rate = tonumber(ARGV[ao + 7 + 3 * n] or 0)
if allowed ~= 1 then lk = 0 end
-- At most half what the loop's calls of this class (`rate` a second) would use in what is left of
-- this second: a lease given back unused while calls go on makes the counts step back (the
-- remaining figures of later calls then repeat earlier ones).
lk = math.min(lk, math.floor(rate * (1000 - now % 1000) / 2000))
for i = 1, n do
  if lk < 2 then break end
  local f = figs[i]
  if f[7] > 0 then lk = 0 end
  if f[1] > 0 then lk = math.min(lk, math.floor(f[2] / fan)) end
  if f[4] > 0 and est > 0 then
    if est > f[4] then lk = 0 else lk = math.min(lk, math.floor(f[5] / est / fan)) end
  end
end
if lk < 8 then lk = 0 end
return {est = est, n = n, allowed = allowed, refused = refused, dim = dim, retry = retry, now = now, now_s = now_s, figs = figs, toks = toks, lk = lk, fan = fan}
end
local function rl_write(KEYS, ARGV, ko, ao, st)
local W = 60000
local now, now_s, toks = st.now, st.now_s, st.toks
local member = ARGV[ao + 1]
local est = st.est
local lease = tonumber(ARGV[ao + 3])
local n = st.n
-- A lease's k members, `<member>:L<j>`, scored at its end (the last ms of this second): a call
-- admitted from it at t <= end counts from now until end + 60 s >= t + 60 s.
local lz = nil
if st.lk > 0 then
  lz = {}
  local lend = (now_s + 1) * 1000 - 1
  for j = 1, st.lk do lz[#lz + 1] = lend; lz[#lz + 1] = member .. ':L' .. j end
end
for i = 1, n do
  local f = st.figs[i]  -- (rl_check's figures start with the limits, parsed)
  local rpm = f[1]
  local tpm = f[4]
  local par = f[7]
  local kr, kt, kp = KEYS[ko + 3 * i - 2], KEYS[ko + 3 * i - 1], KEYS[ko + 3 * i]
  -- (61 s: a lease's members are scored at most 1 s ahead, the end of this second)
  if rpm > 0 then
    redis.call('ZADD', kr, now, member)
    if lz then redis.call('ZADD', kr, unpack(lz)) end
    redis.call('PEXPIRE', kr, W + 1000)
  end
  if tpm > 0 then
    local need = est
    if need > tpm then need = tpm end
    -- (nothing added: nothing to keep longer than the expiry the key has)
    need = need + st.lk * est
    if need > 0 then tok_add(kt, now_s, need, toks[i][1], toks[i][2], toks[i][3], now_s, now) end
  end
  if par > 0 then
    redis.call('ZADD', kp, now + lease, member)
    local keep = redis.call('ZRANGE', kp, -1, -1, 'WITHSCORES')
    redis.call('PEXPIREAT', kp, tonumber(keep[2]))
  end
end
end
local function rl_reply(st)
local out = {st.allowed, st.refused, st.dim, st.retry, st.now}
for i = 1, #st.figs do for k = 1, 8 do out[#out + 1] = st.figs[i][k] end end
out[#out + 1] = st.lk
out[#out + 1] = st.lk > 0 and (st.now_s + 1) * 1000 - 1 or 0
return out
end
)lua";

constexpr std::string_view kAdmitBody = R"lua(
local st = rl_check(KEYS, ARGV, 0, 0)
if st.allowed == 1 then rl_write(KEYS, ARGV, 0, 0, st) end
return rl_reply(st)
)lua";

// admit joined with another script's check and write (see admit_joined_script): the limits'
// check, then (admitted) the other's check, then both writes or neither.
constexpr std::string_view kJoinedBody = R"lua(
local st = rl_check(KEYS, ARGV, 0, 0)
local nk, na = 3 * st.n, 7 + 3 * st.n
if st.allowed ~= 1 then local out = rl_reply(st); out[#out + 1] = -1; return out end
local admitted, reply, other = joined_check(KEYS, ARGV, nk, na)
local flag = 0
if admitted then
  if st.lk > 0 then st.lk = joined_lease_bound(ARGV, na, reply, other, st.lk, st.fan) end
  rl_write(KEYS, ARGV, 0, 0, st)
  joined_write(KEYS, ARGV, nk, na, other)
  if st.lk > 0 then joined_lease(KEYS, ARGV, nk, na, other, st.lk, ARGV[1]) end
  flag = 1
else
  st.lk = 0
end
local out = rl_reply(st)
out[#out + 1] = flag
for i = 1, #reply do out[#out + 1] = reply[i] end
return out
)lua";

constexpr std::string_view kFinishBody = R"lua(
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now = now_s * 1000 + math.floor(tonumber(t[2]) / 1000)
local nt = tonumber(ARGV[1])
local ns = tonumber(ARGV[2])
for i = 1, nt do
  local kt = KEYS[i]
  local b = tonumber(ARGV[1 + 2 * i])
  local d = tonumber(ARGV[2 + 2 * i])
  if b <= now_s - 60 then b = now_s; if d < 0 then d = 0 end end
  if d ~= 0 then tok_correct(kt, b, d, now_s, now) end
end
for i = 1, ns do redis.call('ZREM', KEYS[nt + i], ARGV[2 + 2 * nt + i]) end
return 1
)lua";

// release: finish, and the request taken back from the RPM window: a call the limits admitted
// and its budget then refused (the two scripts run side by side) was never made.
constexpr std::string_view kReleaseBody = R"lua(
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now = now_s * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
local bucket = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
for i = 1, n do
  local delta, par, req = ARGV[1 + 3 * i], ARGV[2 + 3 * i], ARGV[3 + 3 * i]
  local kr, kt, kp = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  if req == '1' then redis.call('ZREM', kr, member) end
  if delta ~= '-' and bucket > now_s - 60 then
    local d = tonumber(delta)
    if d ~= 0 then tok_correct(kt, bucket, d, now_s, now) end
  end
  if par == '1' then redis.call('ZREM', kp, member) end
end
return 1
)lua";

constexpr std::string_view kLeaseHoldTakeText = R"lua(
local function lease_hold_take(kheld, khexp, khsum, hid, d)
local v = redis.call('HINCRBY', kheld, hid, string.format('%d', -d))
if v <= 0 then
  redis.call('HDEL', kheld, hid)
  redis.call('ZREM', khexp, hid)
  d = d + v
  if d < 0 then d = 0 end
end
if d > 0 then redis.call('DECRBY', khsum, string.format('%d', d)) end
return v
end
)lua";

}  // namespace

const std::string_view kLeaseHoldTake = kLeaseHoldTakeText;

namespace {

// lease_return: what an admission lease did not use, given back when it ends (see
// redis_scripts.hpp). A hold field reaches 0 once the lease's calls settled and this came, in
// any order (each takes its own part off), and is then deleted.
constexpr std::string_view kLeaseReturnBody = R"lua(
local t = redis.call('TIME')
local now_s = tonumber(t[1])
local now = now_s * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]
local bucket = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local m = tonumber(ARGV[4])
local from, to = tonumber(ARGV[5]), tonumber(ARGV[6])
local toks = tonumber(ARGV[7])
local hold = tonumber(ARGV[8])
local members = {}
for j = from, to do members[#members + 1] = id .. ':L' .. j end
for i = 1, n do
  if ARGV[7 + 2 * i] == '1' and #members > 0 then redis.call('ZREM', KEYS[3 * i - 2], unpack(members)) end
  if ARGV[8 + 2 * i] == '1' and toks > 0 and bucket > now_s - 60 then tok_correct(KEYS[3 * i - 1], bucket, -toks, now_s, now) end
end
if hold > 0 then
  local hid = 'lease:' .. id
  for j = 1, m do
    local b = 3 * n + 3 * (j - 1)
    lease_hold_take(KEYS[b + 1], KEYS[b + 2], KEYS[b + 3], hid, hold)
  end
end
return 1
)lua";

/// A script's text: its first line (what it is, with the version), the token-window helpers, its
/// body; compacted (lua_compact).
std::string joined(std::string_view first_line, std::string_view body) {
  std::string text;
  text.reserve(first_line.size() + kTokenWindow.size() + body.size());
  text.append(first_line).append(kTokenWindow).append(body);
  return lua_compact(text);
}

const std::string& admit_text() {
  static const std::string text = joined("-- llmgw rate limits v2: admit (check and reserve, all or nothing; admission leases)",
                                         std::string(kAdmitFunctions).append(kAdmitBody));
  return text;
}

const std::string& finish_text() {
  static const std::string text =
      joined("-- llmgw rate limits v2: finish many (reconcile tokens, free parallel slots)", kFinishBody);
  return text;
}

const std::string& release_text() {
  static const std::string text = joined(
      "-- llmgw rate limits v2: release (an admitted call its budget refused: request, tokens, slot given back)",
      kReleaseBody);
  return text;
}

const std::string& lease_return_text() {
  static const std::string text = joined(
      "-- llmgw rate limits v2: lease return (an admission lease's unused requests, tokens and budget hold given back)",
      std::string(kLeaseHoldTakeText).append(kLeaseReturnBody));
  return text;
}

}  // namespace

std::string lua_compact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool first = true;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (!first) {
      if (start == std::string_view::npos || line.substr(start, 2) == "--") continue;
      line.remove_prefix(start);
    }
    first = false;
    out.append(line).push_back('\n');
  }
  return out;
}

RedisScript redis_script(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sha1;
  for (unsigned char c : digest) {
    sha1.push_back(kHex[c >> 4]);
    sha1.push_back(kHex[c & 15]);
  }
  return RedisScript{text, std::move(sha1)};
}

const RedisScript& admit_script() {
  static const RedisScript s = redis_script(admit_text());
  return s;
}

const RedisScript& finish_script() {
  static const RedisScript s = redis_script(finish_text());
  return s;
}

const RedisScript& lease_return_script() {
  static const RedisScript s = redis_script(lease_return_text());
  return s;
}

const RedisScript& release_script() {
  static const RedisScript s = redis_script(release_text());
  return s;
}

std::string admit_joined_text(std::string_view first_line, std::string_view functions) {
  std::string body(kAdmitFunctions);
  body.append(functions).append(kJoinedBody);
  return joined(first_line, body);
}

std::string redis_key(std::string_view scope_id, std::string_view suffix) {
  std::string k = "llmgw:rl:";
  k.append(kScriptVersion).append(":").append(scope_id).append(":").append(suffix);
  return k;
}

}  // namespace llmgw::limits

#include "policy/budget_scripts.hpp"


namespace llmgw::policy {
namespace {

constexpr std::string_view kReserve = R"lua(-- llmgw budgets v1: reserve (check and hold, all or nothing; a charge is visible per caller)
local req = ARGV[1]
local amount = ARGV[2]
local now = tonumber(ARGV[3])
local visible = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local cttl = tonumber(ARGV[6])
local n = tonumber(ARGV[7])
for i = 1, n do
  if redis.call('HEXISTS', KEYS[4 * i - 3], req) == 1 or redis.call('HEXISTS', KEYS[4 * i - 1], req) == 1 then
    return {0, 0, -1}
  end
end
local headroom = -1
for i = 1, n do
  local kh, ke, kc, km = KEYS[4 * i - 3], KEYS[4 * i - 2], KEYS[4 * i - 1], KEYS[4 * i]
  local budget = tonumber(ARGV[5 + 3 * i])
  local used = tonumber(ARGV[6 + 3 * i])
  local pstart = tonumber(ARGV[7 + 3 * i])
  local gone = redis.call('ZRANGEBYSCORE', ke, '-inf', now)
  for _, id in ipairs(gone) do redis.call('HDEL', kh, id) end
  if #gone > 0 then redis.call('ZREMRANGEBYSCORE', ke, '-inf', now) end
  local h = redis.call('HGETALL', kh)
  for j = 2, #h, 2 do used = used + tonumber(h[j]) end
  local m = redis.call('HGETALL', km)
  local marks = {}
  for j = 1, #m, 2 do marks[m[j]] = tonumber(m[j + 1]) end
  local c = redis.call('HGETALL', kc)
  for j = 1, #c, 2 do
    local id, v = c[j], c[j + 1]
    local sp = string.find(v, ' ', 1, true)
    local cost = tonumber(string.sub(v, 1, sp - 1))
    local settled = tonumber(string.sub(v, sp + 1))
    local cm = marks[id] or 0
    if (cm > 0 and now - cm > 60000) or (cm == 0 and now - settled > cttl) then
      redis.call('HDEL', kc, id)
      if cm > 0 then
        redis.call('HDEL', km, id)
        marks[id] = nil
      end
    elseif (cm == 0 or cm >= visible) and settled >= pstart then
      used = used + cost
    end
  end
  for id, cm in pairs(marks) do
    if now - cm > cttl then redis.call('HDEL', km, id) end
  end
  if used >= budget then return {i, used, 0} end
  local room = budget - used
  if headroom < 0 or room < headroom then headroom = room end
end
for i = 1, n do
  redis.call('HSET', KEYS[4 * i - 3], req, amount)
  redis.call('ZADD', KEYS[4 * i - 2], now + ttl, req)
  for k = 0, 3 do redis.call('PEXPIRE', KEYS[4 * i - k], ttl + cttl) end
end
return {0, 0, headroom}
)lua";

constexpr std::string_view kSettle = R"lua(-- llmgw budgets v1: settle (the hold replaced by the cost)
local req = ARGV[1]
local cost = tonumber(ARGV[2])
local px = tonumber(ARGV[4])
local n = #KEYS / 4
local held = 0
for i = 1, n do
  if redis.call('HDEL', KEYS[4 * i - 3], req) == 1 then held = 1 end
  redis.call('ZREM', KEYS[4 * i - 2], req)
end
if held == 1 and cost > 0 then
  for i = 1, n do
    redis.call('HSET', KEYS[4 * i - 1], req, ARGV[2] .. ' ' .. ARGV[3])
    redis.call('PEXPIRE', KEYS[4 * i - 1], px)
  end
end
return held
)lua";

constexpr std::string_view kCommit = R"lua(-- llmgw budgets v1: commit (the ledger row is in the database)
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[3]))
end
return 1
)lua";

}  // namespace

const BudgetScript& reserve_budget_script() {
  static const BudgetScript s = limits::redis_script(kReserve);
  return s;
}

const BudgetScript& settle_budget_script() {
  static const BudgetScript s = limits::redis_script(kSettle);
  return s;
}

const BudgetScript& commit_budget_script() {
  static const BudgetScript s = limits::redis_script(kCommit);
  return s;
}

std::string budget_key(std::string_view scope, std::string_view suffix) {
  std::string k = "llmgw:bud:";
  k.append(kBudgetScriptVersion).append(":").append(scope).append(":").append(suffix);
  return k;
}

}  // namespace llmgw::policy

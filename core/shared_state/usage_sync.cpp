#include "shared_state/usage_sync.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

namespace llmgw::shared_state {
namespace {

/// The keys of a minute outlive it by one minute: long enough for any instance to read them.
constexpr std::string_view kExpireSeconds = "120";

/// For each key (a hash of instance → count), the sum of its values.
constexpr std::string_view kSumScript = R"lua(
local out = {}
for i, key in ipairs(KEYS) do
  local sum = 0
  for _, v in ipairs(redis.call('HVALS', key)) do sum = sum + (tonumber(v) or 0) end
  out[i] = sum
end
return out)lua";

}  // namespace

std::string random_instance_id() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(gen()));
  return buf;
}

UsageSync::UsageSync(const std::vector<SyncedDeployment>& deployments, const std::string& key_prefix,
                     std::string instance)
    : instance_(std::move(instance)) {
  tracked_.reserve(deployments.size());
  for (const auto& d : deployments) {
    Tracked t;
    t.key_prefix = key_prefix + "usage:" + d.id + ":";
    t.state = d.state;
    tracked_.push_back(std::move(t));
  }
}

void UsageSync::plan(RedisClient& redis, const Clocks& now, bool fresh) {
  minute_ = now.unix / 60'000;
  const std::string minute = std::to_string(minute_);
  auto write = [&](const std::string& key, int64_t count) {
    const std::string value = std::to_string(count);
    redis.append({"HSET", key, instance_, value});
    redis.append({"EXPIRE", key, kExpireSeconds});
  };
  std::vector<std::string> keys;
  keys.reserve(tracked_.size() * 2);
  for (auto& t : tracked_) {
    const routing::DeploymentState& s = *t.state;
    keys.push_back(t.key_prefix + minute + ":req");
    keys.push_back(t.key_prefix + minute + ":tok");
    // Read the minute on both sides of the counts: counts torn by a roll wait for next round.
    const int64_t m1 = s.minute.load(std::memory_order_relaxed);
    const int64_t requests = s.requests_this_minute.load(std::memory_order_relaxed);
    const int64_t tokens = s.tokens_this_minute.load(std::memory_order_relaxed);
    const int64_t m2 = s.minute.load(std::memory_order_relaxed);
    t.write = false;
    if (m1 != m2 || m1 != minute_) continue;  // torn, or nothing counted in this minute yet
    t.requests = requests;
    t.tokens = tokens;
    t.write = fresh || t.written_minute != minute_ || requests != t.written_requests || tokens != t.written_tokens;
    if (!t.write) continue;
    write(keys[keys.size() - 2], requests);
    write(keys.back(), tokens);
  }
  std::vector<std::string_view> sums{"EVAL", kSumScript};
  const std::string count = std::to_string(keys.size());
  sums.push_back(count);
  for (const auto& k : keys) sums.push_back(k);
  sums_reply_ = redis.append(sums);
}

void UsageSync::apply(const std::vector<RedisReply>& replies) {
  const RedisReply* sums = sums_reply_ < replies.size() ? &replies[sums_reply_] : nullptr;
  for (std::size_t i = 0; i < tracked_.size(); ++i) {
    Tracked& t = tracked_[i];
    if (t.write) {
      t.written_minute = minute_;
      t.written_requests = t.requests;
      t.written_tokens = t.tokens;
      t.write = false;
    }
    if (!sums || sums->type != RedisReply::Type::Array || 2 * i + 1 >= sums->elements.size()) continue;
    // Totals written by other instances (or by hand): never negative.
    const int64_t requests = std::max<int64_t>(reply_int(sums->elements[2 * i], 0), 0);
    const int64_t tokens = std::max<int64_t>(reply_int(sums->elements[2 * i + 1], 0), 0);
    routing::DeploymentState& s = *t.state;
    if (s.shared_minute.load(std::memory_order_relaxed) != minute_) {
      // A new minute: hide the old totals before relabelling them, so no reader pairs the old
      // minute's totals with the new minute.
      s.shared_requests.store(-1, std::memory_order_relaxed);
      s.shared_tokens.store(-1, std::memory_order_relaxed);
      s.shared_minute.store(minute_, std::memory_order_release);
    }
    s.shared_requests.store(requests, std::memory_order_release);
    s.shared_tokens.store(tokens, std::memory_order_release);
  }
}

void UsageSync::forget_shared() {
  for (auto& t : tracked_) {
    t.state->shared_requests.store(-1, std::memory_order_relaxed);
    t.state->shared_tokens.store(-1, std::memory_order_relaxed);
  }
}

}  // namespace llmgw::shared_state

#include "shared_state/cooldown_sync.hpp"

#include <algorithm>

namespace llmgw::shared_state {
namespace {

/// SET key ARGV[1] PX ARGV[2] unless the stored cooldown ends at least as late. Returns 1 if set.
constexpr std::string_view kPublishScript = R"lua(
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0)lua";

/// A success cleared the cooldown ending at ARGV[1]: store the "0" marker for ARGV[2] ms, unless
/// Redis holds a cooldown that ends later (a newer failure elsewhere). Returns 1 if cleared.
constexpr std::string_view kClearScript = R"lua(
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if cur > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], '0', 'PX', ARGV[2])
return 1)lua";

/// A "0" marker outlives the cooldown it cleared by this much, so every instance sees it.
constexpr int64_t kMarkerGraceMs = 1000;

}  // namespace

CooldownSync::CooldownSync(const std::vector<SyncedDeployment>& deployments, const std::string& key_prefix,
                           int64_t max_cooldown_ms)
    : max_cooldown_ms_(max_cooldown_ms) {
  tracked_.reserve(deployments.size());
  for (const auto& d : deployments) {
    Tracked t;
    t.key = key_prefix + "cooldown:" + d.id;
    t.state = d.state;
    tracked_.push_back(std::move(t));
  }
}

void CooldownSync::plan(RedisClient& redis, const Clocks& now, bool fresh) {
  for (auto& t : tracked_) {
    t.action = Tracked::Action::None;
    const int64_t local = t.state->cooldown_until_ms.load(std::memory_order_relaxed);
    t.observed = local;
    if (local > now.steady && (local != t.last_seen || fresh)) {
      const int64_t published = std::min(local, now.steady + max_cooldown_ms_);
      const std::string until = std::to_string(now.to_unix(published));
      const std::string px = std::to_string(published - now.steady);
      if (local != t.last_seen) {
        t.action = Tracked::Action::Publish;
        t.published_unix = now.to_unix(published);
        redis.append({"EVAL", kPublishScript, "1", t.key, until, px});
      } else {
        // Known to Redis before the connection dropped; put back only if Redis lost it.
        redis.append({"SET", t.key, until, "PX", px, "NX"});
      }
    } else if (local == 0 && t.last_seen != 0 && t.synced_unix > now.unix) {
      t.action = Tracked::Action::Clear;
      const std::string known = std::to_string(t.synced_unix);
      const std::string px = std::to_string(t.synced_unix - now.unix + kMarkerGraceMs);
      redis.append({"EVAL", kClearScript, "1", t.key, known, px});
    }
  }
  if (tracked_.empty()) return;  // MGET needs a key
  std::vector<std::string_view> mget{"MGET"};
  for (const auto& t : tracked_) mget.push_back(t.key);
  mget_reply_ = redis.append(mget);
}

void CooldownSync::apply(const std::vector<RedisReply>& replies, const Clocks& now) {
  const RedisReply* mget = mget_reply_ < replies.size() ? &replies[mget_reply_] : nullptr;
  for (std::size_t i = 0; i < tracked_.size(); ++i) {
    Tracked& t = tracked_[i];
    if (t.action == Tracked::Action::Publish) {
      t.synced_unix = t.published_unix;
      t.synced_steady = t.observed;
    } else if (t.action == Tracked::Action::Clear) {
      t.synced_unix = t.synced_steady = 0;
    }
    t.action = Tracked::Action::None;
    t.last_seen = t.observed;

    if (!mget || mget->type != RedisReply::Type::Array || i >= mget->elements.size()) continue;
    const int64_t stored = reply_int(mget->elements[i], -1);
    if (stored < 0) continue;  // no key (expired, or Redis lost it): nothing to learn
    if (stored == 0) {
      // A success elsewhere: take back the cooldown Redis and this instance agreed on, if it is
      // still the local one (a later local failure stays).
      if (t.synced_unix != 0 && t.synced_steady > now.steady) {
        int64_t expected = t.synced_steady;
        if (t.state->cooldown_until_ms.compare_exchange_strong(expected, 0, std::memory_order_relaxed))
          t.last_seen = 0;
      }
      t.synced_unix = t.synced_steady = 0;
      continue;
    }
    if (stored == t.synced_unix || stored <= now.unix) continue;
    const int64_t until = now.to_steady(std::min(stored, now.unix + max_cooldown_ms_));
    if (t.state->cool_until(until)) t.last_seen = until;
    t.synced_unix = stored;
    t.synced_steady = until;
  }
}

}  // namespace llmgw::shared_state

// Cooldowns shared through Redis: one key per deployment, llmgw:cooldown:<id>, holding the Unix
// ms time the cooldown ends (expiring with it), or "0" for a cooldown a success cleared.
//
// Each round plan() queues the commands and apply() reads their replies (one pipeline, shared
// with the usage sync):
//  - out: a local cooldown that rose since the last round is published (kept only when it ends
//    later than the stored one); on a fresh connection the active ones are re-published where
//    the key is missing (Redis restarted);
//  - a success: a cooldown this instance published or imported that went back to 0 locally
//    (DeploymentState::mark_healthy) is replaced by the "0" marker, unless Redis holds a later one;
//  - in: every key is read (one MGET). A later cooldown is imported with cool_until (which never
//    lowers); the value already imported or published is not imported again (so a local
//    success is not undone by its own stale key); a "0" marker takes back the cooldown this
//    instance imported or published, if it is still that value locally.
// Only the sync thread calls these; the request path reads the atomics.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "shared_state/redis_client.hpp"
#include "shared_state/synced_deployment.hpp"

namespace llmgw::shared_state {

class CooldownSync {
 public:
  /// `max_cooldown_ms` caps every cooldown published to Redis and every one taken from it.
  CooldownSync(const std::vector<SyncedDeployment>& deployments, const std::string& key_prefix,
               int64_t max_cooldown_ms = 300'000);

  /// Queues this round's commands. `fresh`: the connection is new (re-publish active cooldowns).
  void plan(RedisClient& redis, const Clocks& now, bool fresh);
  /// Reads the replies of the commands plan() queued and updates the local state.
  void apply(const std::vector<RedisReply>& replies, const Clocks& now);

 private:
  int64_t max_cooldown_ms_;
  struct Tracked {
    std::string key;
    routing::DeploymentState* state = nullptr;
    int64_t last_seen = 0;      // local cooldown_until_ms after the last successful round
    int64_t synced_unix = 0;    // the value Redis and this instance last agreed on; 0: none
    int64_t synced_steady = 0;  // the same on this process's steady clock
    // This round (discarded when the round fails):
    enum class Action { None, Publish, Clear } action = Action::None;
    int64_t observed = 0;       // local cooldown_until_ms when the round was planned
    int64_t published_unix = 0;
  };
  std::vector<Tracked> tracked_;
  std::size_t mget_reply_ = static_cast<std::size_t>(-1);
};

}  // namespace llmgw::shared_state

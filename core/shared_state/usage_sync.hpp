// Per-minute usage shared through Redis. Every instance writes its own counts of the minute
// (minute = Unix ms / 60000) into two hashes per deployment, field = the instance's id:
//   llmgw:usage:<id>:<minute>:req   {<instance>: requests}
//   llmgw:usage:<id>:<minute>:tok   {<instance>: tokens}
// (expiring two minutes later), and reads the sums of every instance's fields back in one
// script call, which it stores in DeploymentState::shared_* for requests_in_minute /
// tokens_in_minute. Absolute counts, not increments: a round whose replies were lost (a timeout
// after Redis ran the commands) or a Redis that restarted empty is put right by the next write,
// never counted twice.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "shared_state/redis_client.hpp"
#include "shared_state/synced_deployment.hpp"

namespace llmgw::shared_state {

class UsageSync {
 public:
  /// `instance` names this process's fields; unique among the instances sharing the Redis.
  UsageSync(const std::vector<SyncedDeployment>& deployments, const std::string& key_prefix, std::string instance);

  /// Queues this round's commands. `fresh`: the connection is new (write every count again).
  void plan(RedisClient& redis, const Clocks& now, bool fresh);
  void apply(const std::vector<RedisReply>& replies);
  /// No shared view (Redis is away): routing falls back to the local counts.
  void forget_shared();

 private:
  struct Tracked {
    std::string key_prefix;  // llmgw:usage:<id>:
    routing::DeploymentState* state = nullptr;
    int64_t written_minute = -1;  // the minute the written counts are for
    int64_t written_requests = 0, written_tokens = 0;
    // This round (discarded when it fails):
    bool write = false;
    int64_t requests = 0, tokens = 0;
  };
  std::vector<Tracked> tracked_;
  std::string instance_;
  int64_t minute_ = 0;  // the minute this round reads and writes
  std::size_t sums_reply_ = 0;
};

/// A random id for this process's usage fields.
std::string random_instance_id();

}  // namespace llmgw::shared_state

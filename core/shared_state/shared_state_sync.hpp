// The one background thread that shares cooldowns and usage counters between gateway instances
// through Redis (router_settings.redis_*). Every `interval` it runs one round: a single pipelined
// round trip that publishes local changes and reads every instance's (CooldownSync, UsageSync).
// The request path never touches Redis: it reads and writes the DeploymentState atomics only.
//
// Redis going away never fails a request: the round fails (bounded by `io_timeout`), routing
// keeps its local state (shared usage totals are withdrawn), one warning is logged and
// llmgw_redis_unavailable_total counts it; the thread reconnects with backoff, logs one info line
// when Redis is back, and pushes what changed meanwhile.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "shared_state/cooldown_sync.hpp"
#include "shared_state/redis_client.hpp"
#include "shared_state/synced_deployment.hpp"
#include "shared_state/usage_sync.hpp"

namespace llmgw::shared_state {

struct SyncOptions {
  std::chrono::milliseconds interval{100};      // between rounds
  std::chrono::milliseconds io_timeout{200};    // connect, and every command round trip
  std::chrono::milliseconds max_backoff{2000};  // between reconnect attempts while Redis is away
  std::string key_prefix = "llmgw:";
  /// No cooldown is written to, or taken from, Redis for longer than this (another instance,
  /// an older version or a hand-written key may hold a value years ahead).
  std::chrono::milliseconds max_cooldown{300'000};
};

class SharedStateSync {
 public:
  /// `deployments` must outlive this object. Registers the unavailable counter.
  SharedStateSync(RedisTarget target, std::vector<SyncedDeployment> deployments, SyncOptions options = {});
  ~SharedStateSync();
  SharedStateSync(const SharedStateSync&) = delete;
  SharedStateSync& operator=(const SharedStateSync&) = delete;

  /// Starts the thread (its first round runs at once).
  void start();
  /// Wakes and joins the thread; returns within one round (at most ~2 × io_timeout).
  void stop();

  /// One round, on the caller's thread (the thread's loop; tests call it directly). True when
  /// Redis answered. While Redis is away, returns false at once until the backoff has passed.
  bool sync_once();

  /// Whether the last round reached Redis.
  bool available() const { return state_.load(std::memory_order_relaxed) == State::Up; }
  /// The value of llmgw_redis_unavailable_total (process-wide).
  static uint64_t unavailable_total();

 private:
  enum class State { Unknown, Up, Down };
  void run();
  void went_down(const std::string& why);
  void came_up();

  RedisTarget target_;
  std::vector<SyncedDeployment> deployments_;
  SyncOptions options_;
  RedisClient redis_;
  CooldownSync cooldowns_;
  UsageSync usage_;
  std::vector<RedisReply> replies_;
  std::atomic<State> state_{State::Unknown};
  std::chrono::milliseconds backoff_{0};
  int64_t next_attempt_ms_ = 0;  // steady ms; no reconnect before it

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace llmgw::shared_state

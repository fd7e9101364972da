// Every virtual key and team, in memory, for the request path: an immutable snapshot read
// without a lock (an atomic shared_ptr), replaced by one background thread that asks the
// database what changed every `interval` (keys and teams created, updated, blocked or deleted on
// any instance take effect here within about that long). The request path never touches the
// database. When the database is down the last snapshot stays in force. Each refresh first
// resets the stored spend of budgets whose period ended (policy/budget_reset).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "store/database.hpp"
#include "store/records.hpp"

namespace llmgw::policy {

class KeyCache {
 public:
  struct Snapshot {
    std::unordered_map<std::string, store::KeyRecord> keys;    // by key_hash
    std::unordered_map<std::string, store::TeamRecord> teams;  // by team_id
    /// The key with this hash, or null.
    const store::KeyRecord* key(const std::string& hash) const {
      auto it = keys.find(hash);
      return it == keys.end() ? nullptr : &it->second;
    }
    /// The team with this id, or null.
    const store::TeamRecord* team(const std::string& id) const {
      auto it = teams.find(id);
      return it == teams.end() ? nullptr : &it->second;
    }
  };

  /// Loads everything once (throws store::StoreError when the database cannot be read), then
  /// starts the refresh thread.
  KeyCache(const store::Database& db, std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  ~KeyCache();
  KeyCache(const KeyCache&) = delete;
  KeyCache& operator=(const KeyCache&) = delete;

  /// The current snapshot (never null). Lock-free.
  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_.load(std::memory_order_acquire); }
  /// Reads the changes now, on the caller's thread (tests, and the admin API after a write so
  /// that its own instance sees it at once).
  void refresh();
  /// The snapshot reflects every database write committed before this time (unix ms): the
  /// start of the last refresh that succeeded. Read it before snapshot() to pair them safely.
  int64_t fresh_as_of_ms() const { return fresh_as_of_ms_.load(std::memory_order_acquire); }

 private:
  void run();

  const store::Database& db_;
  std::chrono::milliseconds interval_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
  std::mutex refresh_mutex_;      // one refresh at a time (thread or admin)
  int64_t since_ms_ = 0;          // the last poll's start
  std::atomic<int64_t> fresh_as_of_ms_{0};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace llmgw::policy

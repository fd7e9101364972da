#include "policy/key_cache.hpp"

#include <spdlog/spdlog.h>

#include "canonical/clock.hpp"
#include "policy/budget_reset.hpp"
#include "store/key_repository.hpp"
#include "store/store_error.hpp"
#include "store/team_repository.hpp"

namespace llmgw::policy {
namespace {

/// Instances' clocks differ: each poll asks for changes since a little before the last one.
constexpr int64_t kSkewMarginMs = 5000;

}  // namespace

KeyCache::KeyCache(const store::Database& db, std::chrono::milliseconds interval)
    : db_(db), interval_(interval), snapshot_(std::make_shared<const Snapshot>()) {
  refresh();
  thread_ = std::thread([this] { run(); });
}

KeyCache::~KeyCache() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void KeyCache::refresh() {
  std::lock_guard lock(refresh_mutex_);
  const int64_t started = canonical::unix_ms();
  Poco::Data::Session session = db_.open();
  reset_due_budgets(session, started);
  store::KeyRepository keys(session);
  store::TeamRepository teams(session);
  // since 0 on the first poll: every key and team (and the tombstones, which change nothing).
  const int64_t since = since_ms_ == 0 ? 0 : since_ms_ - kSkewMarginMs;
  store::KeyChanges k = keys.changes_since(since);
  store::TeamChanges t = teams.changes_since(since);
  since_ms_ = started;
  if (k.changed.empty() && k.deleted.empty() && t.changed.empty() && t.deleted.empty()) {
    fresh_as_of_ms_.store(started, std::memory_order_release);
    return;
  }
  auto next = std::make_shared<Snapshot>(*snapshot());
  for (auto& key : k.changed) next->keys[key.key_hash] = std::move(key);
  for (const auto& hash : k.deleted) next->keys.erase(hash);
  for (auto& team : t.changed) next->teams[team.team_id] = std::move(team);
  for (const auto& id : t.deleted) next->teams.erase(id);
  snapshot_.store(std::move(next), std::memory_order_release);
  fresh_as_of_ms_.store(started, std::memory_order_release);
}

void KeyCache::run() {
  std::unique_lock lock(stop_mutex_);
  bool was_failing = false;
  while (!stop_cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      refresh();
      if (was_failing) spdlog::info("key cache: the database answers again");
      was_failing = false;
    } catch (const std::exception& e) {
      if (!was_failing) spdlog::error("key cache: cannot read keys ({}); the last known keys stay in force", e.what());
      was_failing = true;
    }
    lock.lock();
  }
}

}  // namespace llmgw::policy

// Teams in the database (table teams): create, read, update, delete, list, block. Same rules as
// KeyRepository. Deleting a team leaves its keys (their team_id then names no team).
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace llmgw::store {

/// What changed since a time: the teams created or updated (updated_at >= since) and the ids
/// deleted (deleted_at >= since). An instance that caches teams polls this with `since` a
/// little before its last poll (instances' clocks differ: the margin covers the skew).
struct TeamChanges {
  std::vector<TeamRecord> changed;
  std::vector<std::string> deleted;
};

class TeamRepository {
 public:
  explicit TeamRepository(Poco::Data::Session& session) : session_(session) {}

  bool create(const TeamRecord& team);
  bool update(const TeamRecord& team);
  /// Deletes it and leaves a tombstone (deleted_at = now_ms) for the other instances' caches;
  /// false when there is no such team.
  bool remove(std::string_view team_id, std::int64_t now_ms);
  /// remove() of each, in one transaction: all of them, or (when one is missing) none, and false.
  bool remove_all(const std::vector<std::string>& team_ids, std::int64_t now_ms);
  std::optional<TeamRecord> get(std::string_view team_id);
  /// Ordered by created_at, then team_id; `limit` 1..1000.
  std::vector<TeamRecord> list(std::int64_t limit = 100, std::int64_t offset = 0);
  TeamChanges changes_since(std::int64_t since_ms);
  /// Forgets tombstones older than `before_ms`; returns how many.
  std::int64_t prune_deleted(std::int64_t before_ms);
  bool set_blocked(std::string_view team_id, bool blocked, std::int64_t now_ms);

 private:
  Poco::Data::Session& session_;
};

}  // namespace llmgw::store

// Virtual keys in the database (table keys): create, read, update, delete, list, block.
// Every function runs on the session given (one per thread) and throws StoreError when the
// database fails; "not found" is an ordinary result.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace llmgw::store {

struct KeyQuery {
  std::string team_id;      // "": every team
  std::string owner;        // "": every owner
  std::int64_t limit = 100; // page size, 1..1000
  std::int64_t offset = 0;
};

/// What changed since a time: the keys created or updated (updated_at >= since) and the ids
/// deleted (deleted_at >= since). An instance that caches keys polls this with `since` a
/// little before its last poll (instances' clocks differ: the margin covers the skew).
struct KeyChanges {
  std::vector<KeyRecord> changed;
  std::vector<std::string> deleted;
};

class KeyRepository {
 public:
  explicit KeyRepository(Poco::Data::Session& session) : session_(session) {}

  /// False when a key with this hash already exists (nothing is changed). A tombstone of the
  /// same hash is removed.
  bool create(const KeyRecord& key);
  /// Replaces every column but key_hash, created_at and spend; false when there is no such key.
  bool update(const KeyRecord& key);
  /// Deletes it and leaves a tombstone (deleted_at = now_ms) for the other instances' caches;
  /// false when there is no such key.
  bool remove(std::string_view key_hash, std::int64_t now_ms);
  /// remove() of each, in one transaction: all of them, or (when one is missing) none, and false.
  bool remove_all(const std::vector<std::string>& key_hashes, std::int64_t now_ms);
  std::optional<KeyRecord> get(std::string_view key_hash);
  /// Ordered by created_at, then key_hash (stable pages).
  std::vector<KeyRecord> list(const KeyQuery& query = {});
  /// How many keys the query's filters match (its limit and offset ignored).
  std::int64_t count(const KeyQuery& query = {});
  /// Sets the blocked flag and updated_at; false when there is no such key.
  KeyChanges changes_since(std::int64_t since_ms);
  /// Forgets tombstones older than `before_ms`; returns how many.
  std::int64_t prune_deleted(std::int64_t before_ms);
  bool set_blocked(std::string_view key_hash, bool blocked, std::int64_t now_ms);

 private:
  Poco::Data::Session& session_;
};

}  // namespace llmgw::store

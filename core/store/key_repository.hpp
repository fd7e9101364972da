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

class KeyRepository {
 public:
  explicit KeyRepository(Poco::Data::Session& session) : session_(session) {}

  /// False when a key with this hash already exists (nothing is changed).
  bool create(const KeyRecord& key);
  /// Replaces every column but key_hash, created_at and spend; false when there is no such key.
  bool update(const KeyRecord& key);
  bool remove(std::string_view key_hash);
  std::optional<KeyRecord> get(std::string_view key_hash);
  /// Ordered by created_at, then key_hash (stable pages).
  std::vector<KeyRecord> list(const KeyQuery& query = {});
  /// Sets the blocked flag and updated_at; false when there is no such key.
  bool set_blocked(std::string_view key_hash, bool blocked, std::int64_t now_ms);

 private:
  Poco::Data::Session& session_;
};

}  // namespace llmgw::store

// A table whose deleted rows leave a tombstone (id, deleted_at) in a second table, so that the
// change feed every instance's key cache polls sees a delete as it sees an update: keys →
// deleted_keys, teams → deleted_teams (migration 2). The key and team repositories share these.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

namespace llmgw::store::detail {

struct TombstonedTable {
  const char* table;       // "keys"
  const char* id_column;   // "key_hash" (the same name in both tables)
  const char* tombstones;  // "deleted_keys"
};

/// Deletes every row of `ids` and leaves a tombstone for each, in one transaction: all or none
/// (false, nothing deleted, when one of them does not exist).
bool remove_with_tombstones(Poco::Data::Session& session, const TombstonedTable& t, const std::vector<std::string>& ids,
                            std::int64_t now_ms);
/// Removes the tombstone of `id` (a row created again under an id deleted before).
void clear_tombstone(Poco::Data::Session& session, const TombstonedTable& t, const std::string& id);
/// The ids deleted at or after `since_ms`, oldest first.
std::vector<std::string> deleted_since(Poco::Data::Session& session, const TombstonedTable& t, std::int64_t since_ms);
/// Forgets tombstones older than `before_ms`; returns how many.
std::int64_t prune_tombstones(Poco::Data::Session& session, const TombstonedTable& t, std::int64_t before_ms);

}  // namespace llmgw::store::detail

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

class TeamRepository {
 public:
  explicit TeamRepository(Poco::Data::Session& session) : session_(session) {}

  bool create(const TeamRecord& team);
  bool update(const TeamRecord& team);
  bool remove(std::string_view team_id);
  std::optional<TeamRecord> get(std::string_view team_id);
  /// Ordered by created_at, then team_id; `limit` 1..1000.
  std::vector<TeamRecord> list(std::int64_t limit = 100, std::int64_t offset = 0);
  bool set_blocked(std::string_view team_id, bool blocked, std::int64_t now_ms);

 private:
  Poco::Data::Session& session_;
};

}  // namespace llmgw::store

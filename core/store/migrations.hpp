// Versioned schema migrations. Table schema_version holds the versions applied; migration N runs
// once, in one transaction with its version row, and instances starting together serialise on a
// lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock), so each
// migration is applied exactly once. Migrations are append-only: a released one never changes.
#pragma once

#include <Poco/Data/Session.h>

#include <string_view>
#include <vector>

#include "store/database_url.hpp"

namespace llmgw::store {

struct Migration {
  int version;
  std::string_view description;
  std::vector<std::string_view> statements;  // the same SQL on SQLite and PostgreSQL
};

/// Every migration, in version order (1, 2, ...).
const std::vector<Migration>& migrations();

/// The highest version applied (0 on an empty database, or one without schema_version).
int schema_version(Poco::Data::Session& session);

/// Applies every migration newer than the database's; returns the version reached. A database
/// newer than this binary (a version it does not know) is refused with StoreError rather than
/// used with a schema it does not understand. Throws StoreError.
int migrate(Poco::Data::Session& session, Dialect dialect);

}  // namespace llmgw::store

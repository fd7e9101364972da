// general_settings.database_url (LiteLLM's DATABASE_URL) → the Poco::Data connector and its
// connection string.
//   sqlite:///var/lib/llmgw/llmgw.db   SQLite file /var/lib/llmgw/llmgw.db (everything after
//   sqlite://relative/llmgw.db        "sqlite://" is the path; relative to the working directory)
//   sqlite://:memory:                 an in-memory database (tests)
//   postgresql://user:pass@host:5432/db?sslmode=require   (also postgres://)
// PostgreSQL URLs become libpq keyword strings: user, password and database are percent-decoded,
// query parameters are passed through as libpq keywords, connect_timeout defaults to 5 s and
// the server's notices are limited to warnings (options='-cclient_min_messages=warning').
#pragma once

#include <string>
#include <string_view>

namespace llmgw::store {

enum class Dialect { sqlite, postgresql };

struct DatabaseUrl {
  Dialect dialect = Dialect::sqlite;
  std::string connector;          // Poco::Data connector name: "sqlite" or "postgresql"
  std::string connection_string;  // SQLite: the file path; PostgreSQL: libpq keywords
  std::string redacted;           // the URL with the password replaced by "***", for logs
};

/// Throws StoreError naming what is wrong (never echoing a password).
DatabaseUrl parse_database_url(std::string_view url);

}  // namespace llmgw::store

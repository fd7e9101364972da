// A database named by a DATABASE_URL (store/database_url.hpp), opened through Poco::Data.
// A Poco Session is not thread-safe: each thread that uses the database opens its own session.
// Every session is set up the same way: SQLite gets a busy timeout and, for a file, WAL journaling
// (readers never wait for the ledger writer); PostgreSQL gets libpq's connect timeout.
#pragma once

#include <Poco/Data/Session.h>

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/database_url.hpp"

namespace llmgw::store {

class Database {
 public:
  /// Parses the URL (throws StoreError); connects nothing yet.
  explicit Database(std::string_view url, std::chrono::seconds busy_timeout = std::chrono::seconds(5));

  /// A new connected session. Throws StoreError (with the redacted URL) when it cannot connect.
  Poco::Data::Session open() const;

  Dialect dialect() const { return url_.dialect; }
  /// The URL without its password, for logs.
  const std::string& describe() const { return url_.redacted; }

  /// Hands over a session whose connection failed. Poco::Data::PostgreSQL 1.11 frees a libpq
  /// connection on close only while it is healthy, so a session that saw its server go away
  /// would leak its connection (~35 KB) when destroyed: it is kept (at most 8) until open()
  /// finds the server back, reconnected with PQreset, and only then destroyed.
  void retire(Poco::Data::Session session) const;

 private:
  void bury_retired() const;

  DatabaseUrl url_;
  std::chrono::seconds busy_timeout_;
  mutable std::mutex retired_mu_;
  mutable std::vector<Poco::Data::Session> retired_;
};

/// The statement text for this session: SQL is written with `?` placeholders; PostgreSQL (libpq)
/// numbers them ($1, $2, ...). A `?` inside a quoted literal is left alone.
std::string sql(const Poco::Data::Session& session, std::string_view text);

/// The engine behind a session.
Dialect dialect_of(const Poco::Data::Session& session);

/// Runs one SQL statement with no parameters and no result (DDL, PRAGMA, BEGIN).
void execute(Poco::Data::Session& session, const std::string& sql);

/// A transaction that rolls back unless committed. On SQLite it begins IMMEDIATE (it takes the
/// write lock at once, so two writers never deadlock upgrading read locks); on PostgreSQL it is
/// the session's BEGIN.
class Transaction {
 public:
  Transaction(Poco::Data::Session& session, Dialect dialect);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Poco::Data::Session& session_;
  Dialect dialect_;
  bool open_ = true;
};

}  // namespace llmgw::store

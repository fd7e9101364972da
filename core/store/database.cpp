#include "store/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>

#include <mutex>

#include "store/store_error.hpp"

namespace llmgw::store {
namespace {

void register_connectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

}  // namespace

Database::Database(std::string_view url, std::chrono::seconds busy_timeout)
    : url_(parse_database_url(url)), busy_timeout_(busy_timeout) {
  register_connectors();
}

Poco::Data::Session Database::open() const {
  if (url_.dialect == Dialect::postgresql) {
    // Ask libpq first whether a server answers at all: a database that is down then costs one
    // ping per retry and no Poco connect attempt (Poco 1.11 frees a libpq connection only while
    // it is healthy; see retire()). PQping frees what it allocates.
    const PGPing ping = PQping(url_.connection_string.c_str());
    if (ping == PQPING_NO_RESPONSE) throw StoreError("cannot open " + url_.redacted + ": no server answers");
    if (ping == PQPING_REJECT)
      throw StoreError("cannot open " + url_.redacted + ": the server refuses connections (starting or stopping)");
    if (ping == PQPING_NO_ATTEMPT) throw StoreError("cannot open " + url_.redacted + ": bad connection parameters");
    bury_retired();
  }
  try {
    Poco::Data::Session session(url_.connector, url_.connection_string,
                                static_cast<std::size_t>(busy_timeout_.count()));
    if (url_.dialect == Dialect::sqlite) {
      // Poco's SQLite session turns its connection timeout into sqlite3_busy_timeout.
      session.setProperty("connectionTimeout", Poco::Any(static_cast<std::size_t>(busy_timeout_.count())));
      if (url_.connection_string != ":memory:") {
        // WAL: readers (admin API) never block the ledger writer. A read-only file keeps its mode.
        try {
          execute(session, "PRAGMA journal_mode=WAL");
        } catch (const Poco::Exception&) {
        }
      }
    }
    return session;
  } catch (const Poco::Exception& e) {
    throw StoreError("cannot open " + url_.redacted + ": " + e.displayText());
  }
}

Dialect dialect_of(const Poco::Data::Session& session) {
  return session.connector() == "postgresql" ? Dialect::postgresql : Dialect::sqlite;
}

std::string sql(const Poco::Data::Session& session, std::string_view text) {
  if (session.connector() != "postgresql") return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      continue;
    }
    out += c;
  }
  return out;
}

void Database::retire(Poco::Data::Session session) const {
  if (url_.dialect != Dialect::postgresql) return;  // SQLite closes whatever state it is in
  std::lock_guard lock(retired_mu_);
  if (retired_.size() < 8) retired_.push_back(std::move(session));
}

void Database::bury_retired() const {
  std::vector<Poco::Data::Session> dead;
  {
    std::lock_guard lock(retired_mu_);
    dead.swap(retired_);
  }
  std::vector<Poco::Data::Session> keep;
  for (auto& s : dead) {
    auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(s.impl());
    PGconn* conn = impl ? static_cast<PGconn*>(impl->handle()) : nullptr;
    if (conn && PQstatus(conn) != CONNECTION_OK) PQreset(conn);
    // Healthy again: destroying the session now frees the connection. Still broken: kept.
    if (conn && PQstatus(conn) != CONNECTION_OK) keep.push_back(std::move(s));
  }
  dead.clear();
  std::lock_guard lock(retired_mu_);
  for (auto& s : keep)
    if (retired_.size() < 8) retired_.push_back(std::move(s));
}

void execute(Poco::Data::Session& session, const std::string& text) {
  Poco::Data::Statement stmt(session);
  stmt << text;
  stmt.execute();
}

Transaction::Transaction(Poco::Data::Session& session, Dialect dialect) : session_(session), dialect_(dialect) {
  if (dialect_ == Dialect::sqlite) execute(session_, "BEGIN IMMEDIATE");
  else session_.begin();
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    if (dialect_ == Dialect::sqlite) execute(session_, "ROLLBACK");
    else session_.rollback();
  } catch (...) {
    // The connection is broken; the server rolls back on its own.
  }
}

void Transaction::commit() {
  if (dialect_ == Dialect::sqlite) execute(session_, "COMMIT");
  else session_.commit();
  open_ = false;
}

}  // namespace llmgw::store

#include "store/database.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Exception.h>

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

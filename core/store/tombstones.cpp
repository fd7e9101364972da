#include "store/tombstones.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "store/database.hpp"
#include "store/row_values.hpp"

namespace llmgw::store::detail {

using Poco::Data::Keywords::bind;

bool remove_with_tombstones(Poco::Data::Session& session, const TombstonedTable& t, const std::vector<std::string>& ids,
                            std::int64_t now_ms) {
  Transaction tx(session, dialect_of(session));
  const std::string remove = std::string("DELETE FROM ") + t.table + " WHERE " + t.id_column + " = ?";
  const std::string bury = std::string("INSERT INTO ") + t.tombstones + " (" + t.id_column +
                           ", deleted_at) VALUES (?, ?) ON CONFLICT (" + t.id_column +
                           ") DO UPDATE SET deleted_at = excluded.deleted_at";
  for (const std::string& id : ids) {
    Poco::Data::Statement st(session);
    st << sql(session, remove), bind(id);
    if (st.execute() != 1) return false;  // rolled back: none deleted
    Poco::Data::Statement tomb(session);
    tomb << sql(session, bury), bind(id), bind(now_ms);
    tomb.execute();
  }
  tx.commit();
  return true;
}

void clear_tombstone(Poco::Data::Session& session, const TombstonedTable& t, const std::string& id) {
  Poco::Data::Statement drop(session);
  drop << sql(session, std::string("DELETE FROM ") + t.tombstones + " WHERE " + t.id_column + " = ?"), bind(id);
  drop.execute();
}

std::vector<std::string> deleted_since(Poco::Data::Session& session, const TombstonedTable& t, std::int64_t since_ms) {
  Poco::Data::Statement gone(session);
  gone << sql(session, std::string("SELECT ") + t.id_column + " FROM " + t.tombstones +
                           " WHERE deleted_at >= ? ORDER BY deleted_at"),
      bind(since_ms);
  gone.execute();
  Poco::Data::RecordSet gs(gone);
  std::vector<std::string> out;
  out.reserve(gs.rowCount());
  for (std::size_t r = 0; r < gs.rowCount(); ++r) out.push_back(text_at(gs, 0, r));
  return out;
}

std::int64_t prune_tombstones(Poco::Data::Session& session, const TombstonedTable& t, std::int64_t before_ms) {
  Poco::Data::Statement st(session);
  st << sql(session, std::string("DELETE FROM ") + t.tombstones + " WHERE deleted_at < ?"), bind(before_ms);
  return static_cast<std::int64_t>(st.execute());
}

}  // namespace llmgw::store::detail

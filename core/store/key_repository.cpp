#include "store/key_repository.hpp"

#include <Poco/Data/RecordSet.h>

#include "store/database.hpp"
#include "store/guarded.hpp"
#include "store/json_list.hpp"
#include "store/limits_columns.hpp"
#include "store/row_values.hpp"
#include "store/tombstones.hpp"

namespace llmgw::store {
namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::use;
using detail::guarded;
using detail::int_at;
using detail::text_at;

constexpr const char* kColumns =
    "key_hash, name, owner, team_id, models, rpm, tpm, max_parallel, budget_nano_usd, budget_period, "
    "budget_reset_at, spend_nano_usd, expires_at, metadata, blocked, created_at, updated_at";

constexpr detail::TombstonedTable kTable{"keys", "key_hash", "deleted_keys"};

KeyRecord read_row(Poco::Data::RecordSet& rs, std::size_t row) {
  KeyRecord k;
  std::size_t c = 0;
  k.key_hash = text_at(rs, c++, row);
  k.name = text_at(rs, c++, row);
  k.owner = text_at(rs, c++, row);
  k.team_id = text_at(rs, c++, row);
  k.limits = detail::read_limits(rs, c, row);
  k.expires_at = int_at(rs, c++, row);
  k.metadata_json = text_at(rs, c++, row);
  k.blocked = int_at(rs, c++, row) != 0;
  k.created_at = int_at(rs, c++, row);
  k.updated_at = int_at(rs, c++, row);
  return k;
}

}  // namespace

bool KeyRepository::create(const KeyRecord& k) {
  return guarded("creating a key", [&] {
    Transaction tx(session_, dialect_of(session_));
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("INSERT INTO keys (") + kColumns +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_hash) DO NOTHING"),
        bind(k.key_hash), bind(k.name), bind(k.owner), bind(k.team_id), bind(to_json_array(k.limits.models)),
        bind(k.limits.rpm), bind(k.limits.tpm), bind(k.limits.max_parallel), bind(k.limits.budget_nano_usd),
        bind(k.limits.budget_period), bind(k.limits.budget_reset_at), bind(k.limits.spend_nano_usd),
        bind(k.expires_at), bind(k.metadata_json), bind(static_cast<std::int64_t>(k.blocked ? 1 : 0)),
        bind(k.created_at), bind(k.updated_at);
    if (st.execute() != 1) return false;
    detail::clear_tombstone(session_, kTable, k.key_hash);
    tx.commit();
    return true;
  });
}

bool KeyRepository::update(const KeyRecord& k) {
  return guarded("updating a key", [&] {
    Poco::Data::Statement st(session_);
    st << sql(session_,
              "UPDATE keys SET name = ?, owner = ?, team_id = ?, models = ?, rpm = ?, tpm = ?, max_parallel = ?, "
              "budget_nano_usd = ?, budget_period = ?, budget_reset_at = ?, expires_at = ?, metadata = ?, "
              "blocked = ?, updated_at = ? WHERE key_hash = ?"),
        bind(k.name), bind(k.owner), bind(k.team_id), bind(to_json_array(k.limits.models)), bind(k.limits.rpm),
        bind(k.limits.tpm), bind(k.limits.max_parallel), bind(k.limits.budget_nano_usd), bind(k.limits.budget_period),
        bind(k.limits.budget_reset_at), bind(k.expires_at), bind(k.metadata_json),
        bind(static_cast<std::int64_t>(k.blocked ? 1 : 0)), bind(k.updated_at), bind(k.key_hash);
    return st.execute() == 1;
  });
}

bool KeyRepository::remove(std::string_view key_hash, std::int64_t now_ms) {
  return remove_all({std::string(key_hash)}, now_ms);
}

bool KeyRepository::remove_all(const std::vector<std::string>& ids, std::int64_t now_ms) {
  return guarded("deleting a key", [&] { return detail::remove_with_tombstones(session_, kTable, ids, now_ms); });
}

KeyChanges KeyRepository::changes_since(std::int64_t since_ms) {
  return guarded("reading key changes", [&] {
    KeyChanges out;
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("SELECT ") + kColumns + " FROM keys WHERE updated_at >= ? ORDER BY updated_at"),
        bind(since_ms);
    st.execute();
    Poco::Data::RecordSet rs(st);
    for (std::size_t r = 0; r < rs.rowCount(); ++r) out.changed.push_back(read_row(rs, r));
    out.deleted = detail::deleted_since(session_, kTable, since_ms);
    return out;
  });
}

std::int64_t KeyRepository::prune_deleted(std::int64_t before_ms) {
  return guarded("pruning key tombstones", [&] { return detail::prune_tombstones(session_, kTable, before_ms); });
}

std::optional<KeyRecord> KeyRepository::get(std::string_view key_hash) {
  return guarded("reading a key", [&]() -> std::optional<KeyRecord> {
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("SELECT ") + kColumns + " FROM keys WHERE key_hash = ?"), bind(std::string(key_hash));
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (rs.rowCount() == 0) return std::nullopt;
    return read_row(rs, 0);
  });
}

std::vector<KeyRecord> KeyRepository::list(const KeyQuery& q) {
  return guarded("listing keys", [&] {
    Poco::Data::Statement st(session_);
    std::string text = std::string("SELECT ") + kColumns + " FROM keys WHERE 1 = 1";
    if (!q.team_id.empty()) text += " AND team_id = ?";
    if (!q.owner.empty()) text += " AND owner = ?";
    text += " ORDER BY created_at, key_hash LIMIT ? OFFSET ?";
    st << sql(session_, text);
    if (!q.team_id.empty()) st.addBind(bind(q.team_id));
    if (!q.owner.empty()) st.addBind(bind(q.owner));
    st.addBind(bind(detail::clamp_page(q.limit)));
    st.addBind(bind(q.offset < 0 ? std::int64_t{0} : q.offset));
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<KeyRecord> out;
    out.reserve(rs.rowCount());
    for (std::size_t r = 0; r < rs.rowCount(); ++r) out.push_back(read_row(rs, r));
    return out;
  });
}

std::int64_t KeyRepository::count(const KeyQuery& q) {
  return guarded("counting keys", [&] {
    Poco::Data::Statement st(session_);
    std::string text = "SELECT COUNT(*) FROM keys WHERE 1 = 1";
    if (!q.team_id.empty()) text += " AND team_id = ?";
    if (!q.owner.empty()) text += " AND owner = ?";
    st << sql(session_, text);
    if (!q.team_id.empty()) st.addBind(bind(q.team_id));
    if (!q.owner.empty()) st.addBind(bind(q.owner));
    st.execute();
    Poco::Data::RecordSet rs(st);
    return rs.rowCount() ? detail::int_at(rs, 0, 0) : std::int64_t{0};
  });
}

bool KeyRepository::set_blocked(std::string_view key_hash, bool blocked, std::int64_t now_ms) {
  return guarded("blocking a key", [&] {
    Poco::Data::Statement st(session_);
    st << sql(session_, "UPDATE keys SET blocked = ?, updated_at = ? WHERE key_hash = ?"),
        bind(static_cast<std::int64_t>(blocked ? 1 : 0)), bind(now_ms), bind(std::string(key_hash));
    return st.execute() == 1;
  });
}

}  // namespace llmgw::store

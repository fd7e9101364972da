#include "store/team_repository.hpp"

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
using detail::guarded;
using detail::int_at;
using detail::text_at;

constexpr const char* kColumns =
    "team_id, name, models, rpm, tpm, max_parallel, budget_nano_usd, budget_period, budget_reset_at, "
    "spend_nano_usd, metadata, blocked, created_at, updated_at";

constexpr detail::TombstonedTable kTable{"teams", "team_id", "deleted_teams"};

TeamRecord read_row(Poco::Data::RecordSet& rs, std::size_t row) {
  TeamRecord t;
  std::size_t c = 0;
  t.team_id = text_at(rs, c++, row);
  t.name = text_at(rs, c++, row);
  t.limits = detail::read_limits(rs, c, row);
  t.metadata_json = text_at(rs, c++, row);
  t.blocked = int_at(rs, c++, row) != 0;
  t.created_at = int_at(rs, c++, row);
  t.updated_at = int_at(rs, c++, row);
  return t;
}

}  // namespace

bool TeamRepository::create(const TeamRecord& t) {
  return guarded("creating a team", [&] {
    Transaction tx(session_, dialect_of(session_));
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("INSERT INTO teams (") + kColumns +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id) DO NOTHING"),
        bind(t.team_id), bind(t.name), bind(to_json_array(t.limits.models)), bind(t.limits.rpm), bind(t.limits.tpm),
        bind(t.limits.max_parallel), bind(t.limits.budget_nano_usd), bind(t.limits.budget_period),
        bind(t.limits.budget_reset_at), bind(t.limits.spend_nano_usd), bind(t.metadata_json),
        bind(static_cast<std::int64_t>(t.blocked ? 1 : 0)), bind(t.created_at), bind(t.updated_at);
    if (st.execute() != 1) return false;
    detail::clear_tombstone(session_, kTable, t.team_id);
    tx.commit();
    return true;
  });
}

bool TeamRepository::update(const TeamRecord& t) {
  return guarded("updating a team", [&] {
    Poco::Data::Statement st(session_);
    st << sql(session_,
              "UPDATE teams SET name = ?, models = ?, rpm = ?, tpm = ?, max_parallel = ?, budget_nano_usd = ?, "
              "budget_period = ?, budget_reset_at = ?, metadata = ?, blocked = ?, updated_at = ? WHERE team_id = ?"),
        bind(t.name), bind(to_json_array(t.limits.models)), bind(t.limits.rpm), bind(t.limits.tpm),
        bind(t.limits.max_parallel), bind(t.limits.budget_nano_usd), bind(t.limits.budget_period),
        bind(t.limits.budget_reset_at), bind(t.metadata_json), bind(static_cast<std::int64_t>(t.blocked ? 1 : 0)),
        bind(t.updated_at), bind(t.team_id);
    return st.execute() == 1;
  });
}

bool TeamRepository::remove(std::string_view team_id, std::int64_t now_ms) {
  return remove_all({std::string(team_id)}, now_ms);
}

bool TeamRepository::remove_all(const std::vector<std::string>& ids, std::int64_t now_ms) {
  return guarded("deleting a team", [&] { return detail::remove_with_tombstones(session_, kTable, ids, now_ms); });
}

TeamChanges TeamRepository::changes_since(std::int64_t since_ms) {
  return guarded("reading team changes", [&] {
    TeamChanges out;
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("SELECT ") + kColumns + " FROM teams WHERE updated_at >= ? ORDER BY updated_at"),
        bind(since_ms);
    st.execute();
    Poco::Data::RecordSet rs(st);
    for (std::size_t r = 0; r < rs.rowCount(); ++r) out.changed.push_back(read_row(rs, r));
    out.deleted = detail::deleted_since(session_, kTable, since_ms);
    return out;
  });
}

std::int64_t TeamRepository::prune_deleted(std::int64_t before_ms) {
  return guarded("pruning team tombstones", [&] { return detail::prune_tombstones(session_, kTable, before_ms); });
}

std::optional<TeamRecord> TeamRepository::get(std::string_view team_id) {
  return guarded("reading a team", [&]() -> std::optional<TeamRecord> {
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("SELECT ") + kColumns + " FROM teams WHERE team_id = ?"), bind(std::string(team_id));
    st.execute();
    Poco::Data::RecordSet rs(st);
    if (rs.rowCount() == 0) return std::nullopt;
    return read_row(rs, 0);
  });
}

std::vector<TeamRecord> TeamRepository::list(std::int64_t limit, std::int64_t offset) {
  return guarded("listing teams", [&] {
    Poco::Data::Statement st(session_);
    st << sql(session_, std::string("SELECT ") + kColumns + " FROM teams ORDER BY created_at, team_id LIMIT ? OFFSET ?"),
        bind(detail::clamp_page(limit)), bind(offset < 0 ? std::int64_t{0} : offset);
    st.execute();
    Poco::Data::RecordSet rs(st);
    std::vector<TeamRecord> out;
    out.reserve(rs.rowCount());
    for (std::size_t r = 0; r < rs.rowCount(); ++r) out.push_back(read_row(rs, r));
    return out;
  });
}

bool TeamRepository::set_blocked(std::string_view team_id, bool blocked, std::int64_t now_ms) {
  return guarded("blocking a team", [&] {
    Poco::Data::Statement st(session_);
    st << sql(session_, "UPDATE teams SET blocked = ?, updated_at = ? WHERE team_id = ?"),
        bind(static_cast<std::int64_t>(blocked ? 1 : 0)), bind(now_ms), bind(std::string(team_id));
    return st.execute() == 1;
  });
}

}  // namespace llmgw::store

#include "admin/admin_api_endpoint.hpp"

#include <Poco/URI.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <spdlog/spdlog.h>

#include <llmgw/json_depth.hpp>
#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "admin/admin_requests.hpp"
#include "canonical/clock.hpp"
#include "policy/presented_key.hpp"
#include "policy/virtual_key.hpp"
#include "server/request_body.hpp"
#include "server/send.hpp"
#include "store/key_repository.hpp"
#include "admin/global_spend_report.hpp"
#include "store/spend_queries.hpp"
#include "store/store_error.hpp"
#include "store/team_repository.hpp"
#include "util/json_escape.hpp"

namespace llmgw::admin {
namespace {

using canonical::ApiError;

/// What a pool call answers: a JSON body with its status, or an error.
struct Answer {
  int status = 200;
  std::string body;
  std::optional<ApiError> error;
};

Answer fail(ApiError e) { return Answer{e.status, {}, std::move(e)}; }
Answer not_found(const std::string& what) {
  return fail(ApiError{404, "invalid_request_error", "not_found", "", what});
}
Answer ok(std::string body) { return Answer{200, std::move(body), std::nullopt}; }

using Query = std::map<std::string, std::string>;

/// One session per pool thread, opened on first use and replaced after a failure (a broken
/// PostgreSQL session is handed to Database::retire, which frees its connection once the server
/// is back: destroying it here would leak it).
Poco::Data::Session& session_for(const store::Database& db) {
  thread_local std::optional<Poco::Data::Session> session;
  thread_local const store::Database* owner = nullptr;
  if (!session || owner != &db || !session->isConnected()) {
    if (session && owner == &db) db.retire(std::move(*session));
    session.reset();
    session.emplace(db.open());
    owner = &db;
  }
  return *session;
}
std::string random_team_id() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string id = "team-";
  for (int i = 0; i < 16; ++i) id += hex[rd() % 16];
  return id;
}

std::optional<Answer> team_must_exist(Poco::Data::Session& s, const std::string& team_id) {
  if (team_id.empty()) return std::nullopt;
  store::TeamRepository teams(s);
  if (!teams.get(team_id)) return fail(ApiError::invalid("Team '" + team_id + "' does not exist.", "team_id"));
  return std::nullopt;
}

std::optional<Answer> paging(const Query& q, std::int64_t& limit, std::int64_t& offset) {
  limit = 100;
  offset = 0;
  std::int64_t page = 0;
  if (auto it = q.find("size"); it != q.end()) {
    auto v = parse_int(it->second, 1, 1000);
    if (!v) return fail(ApiError::invalid("'size' must be a whole number from 1 to 1000.", "size"));
    limit = *v;
  }
  if (auto it = q.find("limit"); it != q.end()) {
    auto v = parse_int(it->second, 1, 1000);
    if (!v) return fail(ApiError::invalid("'limit' must be a whole number from 1 to 1000.", "limit"));
    limit = *v;
  }
  if (auto it = q.find("page"); it != q.end()) {
    auto v = parse_int(it->second, 1, 1'000'000);
    if (!v) return fail(ApiError::invalid("'page' must be a whole number from 1.", "page"));
    page = *v;
    offset = (page - 1) * limit;
  }
  if (auto it = q.find("offset"); it != q.end()) {
    auto v = parse_int(it->second, 0, 1'000'000'000);
    if (!v) return fail(ApiError::invalid("'offset' must be a whole number from 0.", "offset"));
    offset = *v;
  }
  return std::nullopt;
}

std::optional<Answer> spend_filter(const Query& q, store::SpendFilter& f) {
  if (auto it = q.find("api_key"); it != q.end()) f.key_hash = key_lookup_hash(it->second);
  if (auto it = q.find("team_id"); it != q.end()) f.team_id = it->second;
  if (auto it = q.find("model"); it != q.end()) f.alias = it->second;
  for (const char* name : {"start_date", "end_date"}) {
    auto it = q.find(name);
    if (it == q.end()) continue;
    auto t = parse_time(it->second);
    if (!t) return fail(ApiError::invalid(std::string("'") + name + "' must be YYYY-MM-DD or unix milliseconds.", name));
    // end_date as a day includes that whole day
    if (std::string(name) == "start_date") f.from = *t;
    else f.to = it->second.size() == 10 ? *t + 86'400'000 : *t;
  }
  if (f.from && f.to && f.to <= f.from) return fail(ApiError::invalid("'end_date' must be after 'start_date'.", "end_date"));
  return paging(q, f.limit, f.offset);
}

/// The blocking part of every call: runs on the pool. `body` is null for GETs.
Answer run(const store::Database& db, policy::KeyCache& cache, const std::string& path, const rapidjson::Value* body,
           const Query& query) {
  Poco::Data::Session& s = session_for(db);
  store::KeyRepository keys(s);
  store::TeamRepository teams(s);
  const std::int64_t now = canonical::unix_ms();
  bool wrote = false;
  Answer answer;

  if (path == "/key/generate") {
    KeyFields f;
    if (auto e = parse_key_fields(*body, f)) return fail(*e);
    store::KeyRecord rec;
    if (auto e = apply_key_fields(f, now, rec)) return fail(*e);
    if (auto missing = team_must_exist(s, rec.team_id)) return *missing;
    const std::string key = policy::generate_virtual_key();
    rec.key_hash = policy::hash_key(key);
    rec.created_at = rec.updated_at = now;
    if (!keys.create(rec)) return fail(ApiError{500, "api_error", "", "", "Key collision; try again."});
    std::string out = "{\"key\":";
    util::append_json_string(out, key);
    out += ",\"key_name\":";
    util::append_json_string(out, policy::key_hint(key));
    out += ',';
    const std::string rec_json = key_json(rec);
    out.append(rec_json, 1, std::string::npos);  // the record's members after "key"
    answer = ok(std::move(out));
    wrote = true;
  } else if (path == "/key/update") {
    std::string key;
    if (auto e = required_string(*body, "key", key)) return fail(*e);
    KeyFields f;
    if (auto e = parse_key_fields(*body, f)) return fail(*e);
    auto rec = keys.get(key_lookup_hash(key));
    if (!rec) return not_found("No key matches 'key'.");
    if (auto e = apply_key_fields(f, now, *rec)) return fail(*e);
    if (f.team_id)
      if (auto missing = team_must_exist(s, rec->team_id)) return *missing;
    rec->updated_at = now;
    if (!keys.update(*rec)) return not_found("No key matches 'key'.");
    answer = ok(key_json(*rec));
    wrote = true;
  } else if (path == "/key/delete") {
    std::vector<std::string> list;
    if (auto e = required_string_list(*body, "keys", list)) return fail(*e);
    std::vector<std::string> hashes;
    for (const auto& k : list) hashes.push_back(key_lookup_hash(k));
    for (const auto& h : hashes)
      if (!keys.get(h)) return not_found("No key matches '" + (h.size() > 8 ? h.substr(0, 8) + "…" : h) + "' (nothing was deleted).");
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    // All or none: a key deleted meanwhile by another call rolls the whole list back.
    if (!keys.remove_all(hashes, now)) return not_found("A key was deleted meanwhile (nothing was deleted).");
    std::string out = "{\"deleted_keys\":[";
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      if (i) out += ',';
      util::append_json_string(out, hashes[i]);
    }
    out += "]}";
    answer = ok(std::move(out));
    wrote = true;
  } else if (path == "/key/block" || path == "/key/unblock") {
    std::string key;
    if (auto e = required_string(*body, "key", key)) return fail(*e);
    const std::string hash = key_lookup_hash(key);
    if (!keys.set_blocked(hash, path == "/key/block", now)) return not_found("No key matches 'key'.");
    auto rec = keys.get(hash);
    if (!rec) return not_found("No key matches 'key'.");
    answer = ok(key_json(*rec));
    wrote = true;
  } else if (path == "/key/info") {
    auto it = query.find("key");
    if (it == query.end() || it->second.empty())
      return fail(ApiError::invalid("Query parameter 'key' is required.", "key"));
    const std::string hash = key_lookup_hash(it->second);
    auto rec = keys.get(hash);
    if (!rec) return not_found("No key matches 'key'.");
    std::string out = "{\"key\":";
    util::append_json_string(out, hash);
    out += ",\"info\":" + key_json(*rec) + "}";
    answer = ok(std::move(out));
  } else if (path == "/key/list") {
    store::KeyQuery kq;
    if (auto e = paging(query, kq.limit, kq.offset)) return *e;
    if (auto it = query.find("team_id"); it != query.end()) kq.team_id = it->second;
    if (auto it = query.find("user_id"); it != query.end()) kq.owner = it->second;
    const auto list = keys.list(kq);
    std::string out = "{\"keys\":[";
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i) out += ',';
      out += key_json(list[i]);
    }
    // LiteLLM's KeyListResponseObject: keys, total_count, current_page, total_pages (pages of
    // `size`); count and offset are this page's.
    const std::int64_t total = keys.count(kq);
    out += "],\"total_count\":" + std::to_string(total) +
           ",\"current_page\":" + std::to_string(kq.offset / kq.limit + 1) +
           ",\"total_pages\":" + std::to_string((total + kq.limit - 1) / kq.limit) +
           ",\"count\":" + std::to_string(list.size()) + ",\"offset\":" + std::to_string(kq.offset) + "}";
    answer = ok(std::move(out));
  } else if (path == "/team/new") {
    TeamFields f;
    if (auto e = parse_team_fields(*body, f)) return fail(*e);
    store::TeamRecord rec;
    apply_team_fields(f, now, rec);
    if (rec.team_id.empty()) rec.team_id = random_team_id();
    rec.created_at = rec.updated_at = now;
    if (!teams.create(rec))
      return fail(ApiError{409, "invalid_request_error", "conflict", "team_id", "Team '" + rec.team_id + "' already exists."});
    answer = ok(team_json(rec));
    wrote = true;
  } else if (path == "/team/update") {
    TeamFields f;
    if (auto e = parse_team_fields(*body, f)) return fail(*e);
    if (!f.team_id) return fail(ApiError::invalid("'team_id' is required", "team_id"));
    auto rec = teams.get(*f.team_id);
    if (!rec) return not_found("No team '" + *f.team_id + "'.");
    apply_team_fields(f, now, *rec);
    rec->updated_at = now;
    if (!teams.update(*rec)) return not_found("No team '" + *f.team_id + "'.");
    answer = ok(team_json(*rec));
    wrote = true;
  } else if (path == "/team/delete") {
    std::vector<std::string> ids;
    if (auto e = required_string_list(*body, "team_ids", ids)) return fail(*e);
    for (const auto& id : ids)
      if (!teams.get(id)) return not_found("No team '" + id + "' (nothing was deleted).");
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (!teams.remove_all(ids, now)) return not_found("A team was deleted meanwhile (nothing was deleted).");
    std::string out = "{\"deleted_teams\":[";
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i) out += ',';
      util::append_json_string(out, ids[i]);
    }
    out += "]}";
    answer = ok(std::move(out));
    wrote = true;
  } else if (path == "/team/info") {
    auto it = query.find("team_id");
    if (it == query.end() || it->second.empty())
      return fail(ApiError::invalid("Query parameter 'team_id' is required.", "team_id"));
    auto rec = teams.get(it->second);
    if (!rec) return not_found("No team '" + it->second + "'.");
    store::KeyQuery kq;
    kq.team_id = rec->team_id;
    kq.limit = 1000;
    const auto members = keys.list(kq);
    std::string out = "{\"team_id\":";
    util::append_json_string(out, rec->team_id);
    out += ",\"team_info\":" + team_json(*rec) + ",\"keys\":[";
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) out += ',';
      out += key_json(members[i]);
    }
    out += "]}";
    answer = ok(std::move(out));
  } else if (path == "/team/list") {
    std::int64_t limit = 100, offset = 0;
    if (auto e = paging(query, limit, offset)) return *e;
    const auto list = teams.list(limit, offset);
    std::string out = "[";
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i) out += ',';
      out += team_json(list[i]);
    }
    out += ']';
    answer = ok(std::move(out));
  } else if (path == "/spend/logs") {
    store::SpendFilter f;
    if (auto e = spend_filter(query, f)) return *e;
    const auto rows = store::spend_logs(s, f);
    std::string out = "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (i) out += ',';
      out += ledger_row_json(rows[i]);
    }
    out += ']';
    answer = ok(std::move(out));
  } else if (path == "/spend/report") {
    store::SpendFilter f;
    if (auto e = spend_filter(query, f)) return *e;
    std::string group_by = "team";
    if (auto it = query.find("group_by"); it != query.end()) group_by = it->second;
    store::SpendGroup g;
    if (group_by == "api_key" || group_by == "key") g = store::SpendGroup::key, group_by = "api_key";
    else if (group_by == "team" || group_by == "team_id") g = store::SpendGroup::team, group_by = "team_id";
    else if (group_by == "model") g = store::SpendGroup::model;
    else if (group_by == "day" || group_by == "date") g = store::SpendGroup::day, group_by = "day";
    else return fail(ApiError::invalid("'group_by' must be api_key, team, model or day.", "group_by"));
    const auto totals = store::spend_report(s, g, f);
    std::string out = "{\"group_by\":";
    util::append_json_string(out, group_by);
    out += ",\"results\":[";
    for (std::size_t i = 0; i < totals.size(); ++i) {
      if (i) out += ',';
      out += spend_total_json(totals[i], group_by);
    }
    out += "]}";
    answer = ok(std::move(out));
  } else if (path == "/global/spend/report") {
    // LiteLLM's daily report (admin/global_spend_report.hpp); as LiteLLM, both dates required.
    for (const char* name : {"start_date", "end_date"})
      if (!query.count(name))
        return fail(ApiError::invalid(std::string("'") + name + "' is required (YYYY-MM-DD or unix milliseconds).", name));
    store::SpendFilter f;
    if (auto e = spend_filter(query, f)) return *e;
    auto it = query.find("group_by");
    const auto group = parse_report_group(it == query.end() ? std::string_view("team") : std::string_view(it->second));
    if (!group) return fail(ApiError::invalid("'group_by' must be team, api_key or model.", "group_by"));
    const auto cells = store::spend_by_day(s, f);
    TeamNames names;
    if (*group == ReportGroup::team) {
      store::TeamRepository teams(s);
      for (const auto& c : cells)
        if (!c.team_id.empty() && !names.count(c.team_id)) {
          auto team = teams.get(c.team_id);
          names.emplace(c.team_id, team ? team->name : std::string());
        }
    }
    answer = ok(global_spend_report_json(cells, *group, &names));
  } else {
    return not_found("No admin route " + path + ".");
  }
  if (wrote) cache.refresh();  // this instance sees the change at once
  return answer;
}

}  // namespace

const AdminApiEndpoint::Route AdminApiEndpoint::kRoutes[15] = {
    {"POST", "/key/generate"}, {"POST", "/key/update"},  {"POST", "/key/delete"},  {"GET", "/key/info"},
    {"GET", "/key/list"},      {"POST", "/key/block"},   {"POST", "/key/unblock"}, {"POST", "/team/new"},
    {"POST", "/team/update"},  {"POST", "/team/delete"}, {"GET", "/team/info"},    {"GET", "/team/list"},
    {"GET", "/spend/logs"},    {"GET", "/spend/report"},  {"GET", "/global/spend/report"},
};

AdminApiEndpoint::AdminApiEndpoint(const store::Database& db, policy::KeyCache& keys,
                                   const policy::MasterKeyAuth& master, const server::ErrorFormat& errors,
                                   std::size_t max_body_bytes, unsigned max_json_depth)
    : db_(db), keys_(keys), master_(master), errors_(errors), max_body_bytes_(max_body_bytes),
      max_json_depth_(max_json_depth) {}

boost::asio::awaitable<void> AdminApiEndpoint::handle(server::Request& request,
                                                      server::Response& response) {
  // The master key only: no key or an unknown one 401, a valid virtual key 403.
  std::string_view presented;
  if (auto missing = policy::presented_key(request.headers(), presented)) {
    server::send_error(response, *missing, errors_);
    co_return;
  }
  if (!master_.enabled() || !master_.matches(presented)) {
    const auto snap = keys_.snapshot();
    const bool virtual_key = policy::looks_like_virtual_key(presented) && snap->key(policy::hash_key(presented));
    if (virtual_key)
      server::send_error(response, ApiError{403, "invalid_request_error", "forbidden", "",
                                            "The admin API needs the master key; a virtual key may not use it."},
                         errors_);
    else
      server::send_error(response, policy::unauthorized(master_.enabled()
                                                            ? "Invalid API key: the admin API needs the master key."
                                                            : "The admin API is off: no general_settings.master_key."),
                         errors_);
    co_return;
  }

  Query query;
  std::string path;
  try {
    Poco::URI uri(std::string(request.uri()));
    path = uri.getPath();
    for (auto& [k, v] : uri.getQueryParameters()) query[k] = v;
  } catch (const Poco::Exception&) {
    server::send_error(response, ApiError::invalid("The request URI's query string cannot be read."), errors_);
    co_return;
  }

  rapidjson::Document doc;
  const bool has_body = request.method() == "POST";
  if (has_body) {
    std::string bytes;
    auto rejected = co_await server::read_json_body(request, max_body_bytes_, bytes);
    if (rejected) {
      server::send_error(response, *rejected, errors_);
      co_return;
    }
    // Strings are checked as UTF-8: they are stored and sent back inside JSON answers.
    const JsonResult parsed = parse_bounded<rapidjson::kParseValidateEncodingFlag>(doc, bytes, max_json_depth_);
    if (!parsed.ok()) {
      std::string why = parsed.too_deep()
                            ? "The request body nests deeper than " + std::to_string(max_json_depth_) + " levels."
                            : std::string("The request body is not valid JSON: ") + rapidjson::GetParseError_En(parsed.code);
      server::send_error(response, ApiError::invalid(std::move(why)), errors_);
      co_return;
    }
    if (!doc.IsObject()) {
      server::send_error(response, ApiError::invalid("The request body must be a JSON object."), errors_);
      co_return;
    }
  }

  Answer answer;
  try {
    const rapidjson::Value* body = has_body ? &doc : nullptr;
    Answer got = co_await util::offload(pool_, [&] { return run(db_, keys_, path, body, query); });
    answer = std::move(got);
  } catch (const store::StoreError& e) {
    spdlog::error("admin {}: database error: {}", path, e.what());
    answer = fail(ApiError{503, "api_error", "database_unavailable", "", "The database is unavailable; try again."});
  } catch (const std::exception& e) {
    spdlog::error("admin {}: {}", path, e.what());
    answer = fail(ApiError{500, "api_error", "", "", "Internal error."});
  }
  if (answer.error) server::send_error(response, *answer.error, errors_);
  else server::send_json(response, answer.status, answer.body);
}

}  // namespace llmgw::admin

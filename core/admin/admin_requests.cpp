#include "admin/admin_requests.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <ctime>

#include "policy/budget_period.hpp"
#include "policy/virtual_key.hpp"
#include "pricing/decimal_price.hpp"
#include "util/json_escape.hpp"

namespace llmgw::admin {
namespace {

using canonical::ApiError;
using rapidjson::Value;

constexpr std::size_t kMaxText = 256;     // aliases, ids, user ids, durations
constexpr std::size_t kMaxModels = 1000;
constexpr std::size_t kMaxMetadata = 64 * 1024;

std::optional<ApiError> bad(const char* field, const std::string& what) {
  return ApiError::invalid(std::string("'") + field + "' " + what, field);
}

/// An optional string member; null gives "" when `null_ok`.
std::optional<ApiError> opt_string(const Value& body, const char* name, std::optional<std::string>& out,
                                   bool null_ok) {
  auto it = body.FindMember(name);
  if (it == body.MemberEnd()) return std::nullopt;
  if (it->value.IsNull() && null_ok) {
    out = std::string();
    return std::nullopt;
  }
  if (!it->value.IsString()) return bad(name, "must be a string");
  if (it->value.GetStringLength() > kMaxText) return bad(name, "is longer than 256 characters");
  out.emplace(it->value.GetString(), it->value.GetStringLength());
  return std::nullopt;
}

std::optional<ApiError> opt_limit(const Value& body, const char* name, std::optional<std::int64_t>& out) {
  auto it = body.FindMember(name);
  if (it == body.MemberEnd()) return std::nullopt;
  if (it->value.IsNull()) {
    out = 0;  // null: no limit
    return std::nullopt;
  }
  if (!it->value.IsInt64()) return bad(name, "must be a whole number (or null for no limit)");
  const std::int64_t v = it->value.GetInt64();
  if (v < 0 || v > kMaxLimit) return bad(name, "must be between 0 and 10^12 (0 or null: no limit)");
  out = v;
  return std::nullopt;
}

std::optional<ApiError> parse_limits(const Value& body, LimitFields& out) {
  if (auto it = body.FindMember("models"); it != body.MemberEnd()) {
    if (it->value.IsNull()) {
      out.models.emplace();
    } else {
      if (!it->value.IsArray()) return bad("models", "must be an array of model names");
      if (it->value.Size() > kMaxModels) return bad("models", "has more than 1000 entries");
      std::vector<std::string> models;
      for (const auto& m : it->value.GetArray()) {
        if (!m.IsString() || m.GetStringLength() == 0 || m.GetStringLength() > kMaxText)
          return bad("models", "must hold non-empty strings of at most 256 characters");
        models.emplace_back(m.GetString(), m.GetStringLength());
      }
      out.models = std::move(models);
    }
  }
  if (auto it = body.FindMember("max_budget"); it != body.MemberEnd()) {
    if (it->value.IsNull()) {
      out.budget_nano_usd = -1;
    } else {
      if (!it->value.IsNumber()) return bad("max_budget", "must be a number of USD (or null for no budget)");
      const double usd = it->value.GetDouble();
      if (!std::isfinite(usd) || usd < 0 || usd > kMaxBudgetUsd)
        return bad("max_budget", "must be between 0 and 1000000000 USD");
      out.budget_nano_usd = std::llround(usd * 1e9);
    }
  }
  if (auto e = opt_string(body, "budget_duration", out.budget_period, true)) return e;
  if (out.budget_period && !out.budget_period->empty() && !policy::parse_budget_period(*out.budget_period))
    return bad("budget_duration", "must be daily, weekly, monthly, or a length such as 30s, 15m, 12h, 7d, 1mo");
  if (auto e = opt_limit(body, "rpm_limit", out.rpm)) return e;
  if (auto e = opt_limit(body, "tpm_limit", out.tpm)) return e;
  if (auto e = opt_limit(body, "max_parallel_requests", out.max_parallel)) return e;
  if (auto it = body.FindMember("metadata"); it != body.MemberEnd()) {
    if (it->value.IsNull()) {
      out.metadata_json = "{}";
    } else {
      if (!it->value.IsObject()) return bad("metadata", "must be an object");
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
      // The body's depth is bounded by parse_bounded. The writer refuses a number JSON cannot
      // carry (RapidJSON reads some out-of-range exponents as infinity: "100.21e309", found by
      // the admin_requests fuzz target), which would be stored as broken JSON.
      if (!it->value.Accept(writer)) return bad("metadata", "holds a number too large for JSON");
      if (buf.GetSize() > kMaxMetadata) return bad("metadata", "is larger than 64 KiB");
      out.metadata_json.emplace(buf.GetString(), buf.GetSize());
    }
  }
  if (auto it = body.FindMember("blocked"); it != body.MemberEnd()) {
    if (!it->value.IsBool()) return bad("blocked", "must be true or false");
    out.blocked = it->value.GetBool();
  }
  return std::nullopt;
}

void apply_limits(const LimitFields& f, std::int64_t now_ms, store::Limits& l, std::string& metadata, bool& blocked) {
  if (f.models) l.models = *f.models;
  if (f.budget_nano_usd) l.budget_nano_usd = *f.budget_nano_usd;
  if (f.budget_period) {
    l.budget_period = *f.budget_period;
    const auto period = policy::parse_budget_period(l.budget_period);
    l.budget_reset_at = period ? policy::next_reset(*period, now_ms, now_ms) : 0;
  }
  if (f.rpm) l.rpm = *f.rpm;
  if (f.tpm) l.tpm = *f.tpm;
  if (f.max_parallel) l.max_parallel = *f.max_parallel;
  if (f.metadata_json) metadata = *f.metadata_json;
  if (f.blocked) blocked = *f.blocked;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void append_limit(std::string& out, const char* name, std::int64_t v) {
  out += ",\"";
  out += name;
  out += "\":";
  out += v > 0 ? std::to_string(v) : "null";
}

void append_limits(std::string& out, const store::Limits& l) {
  out += ",\"models\":[";
  for (std::size_t i = 0; i < l.models.size(); ++i) {
    if (i) out += ',';
    util::append_json_string(out, l.models[i]);
  }
  out += "],\"max_budget\":";
  if (l.budget_nano_usd < 0) out += "null";
  else append_usd(out, l.budget_nano_usd);
  out += ",\"spend\":";
  append_usd(out, l.spend_nano_usd);
  out += ",\"budget_duration\":";
  if (l.budget_period.empty()) out += "null";
  else util::append_json_string(out, l.budget_period);
  out += ",\"budget_reset_at\":";
  append_time(out, l.budget_reset_at);
  append_limit(out, "rpm_limit", l.rpm);
  append_limit(out, "tpm_limit", l.tpm);
  append_limit(out, "max_parallel_requests", l.max_parallel);
}

void append_nullable_string(std::string& out, const std::string& s) {
  if (s.empty()) out += "null";
  else util::append_json_string(out, s);
}

}  // namespace

std::optional<ApiError> parse_key_fields(const Value& body, KeyFields& out) {
  if (!body.IsObject()) return ApiError::invalid("The request body must be a JSON object.");
  if (auto e = opt_string(body, "key_alias", out.key_alias, true)) return e;
  if (auto e = opt_string(body, "user_id", out.user_id, true)) return e;
  if (auto e = opt_string(body, "team_id", out.team_id, true)) return e;
  if (auto e = opt_string(body, "duration", out.duration, true)) return e;
  if (out.duration && !out.duration->empty() && !expiry_after(*out.duration, 0))
    return bad("duration", "must be a length such as 30s, 15m, 12h, 7d, 1mo (or null: never expires)");
  return parse_limits(body, out.limits);
}

std::optional<ApiError> parse_team_fields(const Value& body, TeamFields& out) {
  if (!body.IsObject()) return ApiError::invalid("The request body must be a JSON object.");
  if (auto e = opt_string(body, "team_id", out.team_id, false)) return e;
  if (out.team_id && out.team_id->empty()) return bad("team_id", "must not be empty");
  if (auto e = opt_string(body, "team_alias", out.team_alias, true)) return e;
  return parse_limits(body, out.limits);
}

std::optional<ApiError> apply_key_fields(const KeyFields& f, std::int64_t now_ms, store::KeyRecord& key) {
  if (f.key_alias) key.name = *f.key_alias;
  if (f.user_id) key.owner = *f.user_id;
  if (f.team_id) key.team_id = *f.team_id;
  if (f.duration) {
    if (f.duration->empty()) {
      key.expires_at = 0;
    } else {
      auto at = expiry_after(*f.duration, now_ms);
      if (!at) return bad("duration", "must be a length such as 30s, 15m, 12h, 7d, 1mo");
      key.expires_at = *at;
    }
  }
  apply_limits(f.limits, now_ms, key.limits, key.metadata_json, key.blocked);
  return std::nullopt;
}

void apply_team_fields(const TeamFields& f, std::int64_t now_ms, store::TeamRecord& team) {
  if (f.team_id) team.team_id = *f.team_id;
  if (f.team_alias) team.name = *f.team_alias;
  apply_limits(f.limits, now_ms, team.limits, team.metadata_json, team.blocked);
}

std::optional<ApiError> required_string(const Value& body, const char* name, std::string& out) {
  if (!body.IsObject()) return ApiError::invalid("The request body must be a JSON object.");
  auto it = body.FindMember(name);
  if (it == body.MemberEnd()) return bad(name, "is required");
  if (!it->value.IsString() || it->value.GetStringLength() == 0) return bad(name, "must be a non-empty string");
  if (it->value.GetStringLength() > kMaxText) return bad(name, "is longer than 256 characters");
  out.assign(it->value.GetString(), it->value.GetStringLength());
  return std::nullopt;
}

std::optional<ApiError> required_string_list(const Value& body, const char* name, std::vector<std::string>& out) {
  if (!body.IsObject()) return ApiError::invalid("The request body must be a JSON object.");
  auto it = body.FindMember(name);
  if (it == body.MemberEnd()) return bad(name, "is required");
  if (!it->value.IsArray() || it->value.Empty()) return bad(name, "must be a non-empty array of strings");
  if (it->value.Size() > kMaxModels) return bad(name, "has more than 1000 entries");
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString() || v.GetStringLength() == 0 || v.GetStringLength() > kMaxText)
      return bad(name, "must hold non-empty strings of at most 256 characters");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return std::nullopt;
}

std::string key_lookup_hash(std::string_view key_or_token) {
  if (is_hex64(key_or_token)) return std::string(key_or_token);
  return policy::hash_key(key_or_token);
}

std::optional<std::int64_t> expiry_after(std::string_view duration, std::int64_t now_ms) {
  const auto period = policy::parse_budget_period(duration);
  if (!period || period->kind == policy::BudgetPeriod::Kind::none) return std::nullopt;
  return policy::next_reset(*period, now_ms, now_ms);
}

std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    auto y = parse_int(text.substr(0, 4), 1970, 9999);
    auto m = parse_int(text.substr(5, 2), 1, 12);
    auto d = parse_int(text.substr(8, 2), 1, 31);
    if (!y || !m || !d) return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(*y) - 1900;
    tm.tm_mon = static_cast<int>(*m) - 1;
    tm.tm_mday = static_cast<int>(*d);
    const std::time_t t = timegm(&tm);
    if (tm.tm_mday != static_cast<int>(*d)) return std::nullopt;  // 2026-02-30
    return static_cast<std::int64_t>(t) * 1000;
  }
  return parse_int(text, 0, 253402300799999);  // up to 9999-12-31
}

void append_time(std::string& out, std::int64_t unix_ms) {
  if (unix_ms <= 0) {
    out += "null";
    return;
  }
  const std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                              static_cast<int>(unix_ms % 1000));
  out.append(buf, static_cast<std::size_t>(n));
}

void append_usd(std::string& out, std::int64_t nano_usd) { out += pricing::format_nano_usd(nano_usd); }

namespace {

// What keys and teams end with: metadata, blocked, created_at, updated_at, and the closing brace.
void append_record_tail(std::string& out, const std::string& metadata_json, bool blocked, std::int64_t created_at,
                        std::int64_t updated_at) {
  out += ",\"metadata\":";
  out += metadata_json.empty() ? "{}" : metadata_json;
  out += blocked ? ",\"blocked\":true" : ",\"blocked\":false";
  out += ",\"created_at\":";
  append_time(out, created_at);
  out += ",\"updated_at\":";
  append_time(out, updated_at);
  out += '}';
}

}  // namespace

std::string key_json(const store::KeyRecord& key) {
  std::string out = "{\"token\":";
  util::append_json_string(out, key.key_hash);
  out += ",\"key_alias\":";
  append_nullable_string(out, key.name);
  out += ",\"user_id\":";
  append_nullable_string(out, key.owner);
  out += ",\"team_id\":";
  append_nullable_string(out, key.team_id);
  append_limits(out, key.limits);
  out += ",\"expires\":";
  append_time(out, key.expires_at);
  append_record_tail(out, key.metadata_json, key.blocked, key.created_at, key.updated_at);
  return out;
}

std::string team_json(const store::TeamRecord& team) {
  std::string out = "{\"team_id\":";
  util::append_json_string(out, team.team_id);
  out += ",\"team_alias\":";
  append_nullable_string(out, team.name);
  append_limits(out, team.limits);
  append_record_tail(out, team.metadata_json, team.blocked, team.created_at, team.updated_at);
  return out;
}

std::string ledger_row_json(const store::LedgerRow& r) {
  std::string out = "{\"request_id\":";
  util::append_json_string(out, r.request_id);
  out += ",\"api_key\":";
  append_nullable_string(out, r.key_hash);
  out += ",\"team_id\":";
  append_nullable_string(out, r.team_id);
  out += ",\"model\":";
  util::append_json_string(out, r.alias);
  out += ",\"model_id\":";
  util::append_json_string(out, r.deployment);
  out += ",\"custom_llm_provider\":";
  util::append_json_string(out, r.provider);
  out += ",\"prompt_tokens\":" + std::to_string(r.input_tokens);
  out += ",\"completion_tokens\":" + std::to_string(r.output_tokens);
  out += ",\"total_tokens\":" + std::to_string(r.input_tokens + r.output_tokens);
  out += ",\"cached_read_tokens\":" + std::to_string(r.cached_read_tokens);
  out += ",\"cache_write_tokens\":" + std::to_string(r.cache_write_tokens);
  out += ",\"reasoning_tokens\":" + std::to_string(r.reasoning_tokens);
  out += ",\"spend\":";
  append_usd(out, r.cost_nano_usd);
  out += ",\"latency_ms\":" + std::to_string(r.latency_ms);
  out += ",\"ttft_ms\":";
  out += r.ttft_ms >= 0 ? std::to_string(r.ttft_ms) : "null";
  out += ",\"status\":" + std::to_string(r.status);
  out += ",\"startTime\":";
  append_time(out, r.created_at);
  out += '}';
  return out;
}

std::string spend_total_json(const store::SpendTotal& t, std::string_view group_by) {
  std::string out = "{";
  util::append_json_string(out, group_by);
  out += ':';
  util::append_json_string(out, t.group);
  out += ",\"requests\":" + std::to_string(t.requests);
  out += ",\"prompt_tokens\":" + std::to_string(t.input_tokens);
  out += ",\"completion_tokens\":" + std::to_string(t.output_tokens);
  out += ",\"total_tokens\":" + std::to_string(t.input_tokens + t.output_tokens);
  out += ",\"cached_read_tokens\":" + std::to_string(t.cached_read_tokens);
  out += ",\"cache_write_tokens\":" + std::to_string(t.cache_write_tokens);
  out += ",\"reasoning_tokens\":" + std::to_string(t.reasoning_tokens);
  out += ",\"spend\":";
  append_usd(out, t.cost_nano_usd);
  out += '}';
  return out;
}

}  // namespace llmgw::admin

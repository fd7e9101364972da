// The admin API's request bodies and answers, without I/O: JSON → validated fields (every error a
// 400 naming the field), fields applied to a key or team record, records → JSON in LiteLLM's field
// names (money in USD, times ISO 8601 UTC). Pure functions, unit-tested in tests/unit/admin.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical/api_error.hpp"
#include "store/records.hpp"
#include "store/spend_queries.hpp"

namespace llmgw::admin {

/// The largest budget accepted, in USD (keeps nano-dollars far inside 64 bits).
inline constexpr double kMaxBudgetUsd = 1e9;
/// The largest rpm / tpm / max_parallel_requests accepted.
inline constexpr std::int64_t kMaxLimit = 1'000'000'000'000;

/// The limit and budget fields a key or team request may set; absent fields are left alone.
struct LimitFields {
  std::optional<std::vector<std::string>> models;
  std::optional<std::int64_t> budget_nano_usd;  // -1: no budget (null)
  std::optional<std::string> budget_period;     // "" clears it
  std::optional<std::int64_t> rpm, tpm, max_parallel;
  std::optional<std::string> metadata_json;
  std::optional<bool> blocked;
};

struct KeyFields {
  std::optional<std::string> key_alias;
  std::optional<std::string> user_id;
  std::optional<std::string> team_id;  // "" (or null): no team
  std::optional<std::string> duration; // "" (or null): never expires
  LimitFields limits;
};

struct TeamFields {
  std::optional<std::string> team_id;
  std::optional<std::string> team_alias;
  LimitFields limits;
};

/// Reads a /key/generate or /key/update body (an object). nullopt, or the 400.
std::optional<canonical::ApiError> parse_key_fields(const rapidjson::Value& body, KeyFields& out);
/// Reads a /team/new or /team/update body.
std::optional<canonical::ApiError> parse_team_fields(const rapidjson::Value& body, TeamFields& out);

/// Applies the fields to a record (new or read back). `now_ms` starts the expiry and budget period.
/// Returns the 400 for a duration that cannot be read (never for a parsed body otherwise).
std::optional<canonical::ApiError> apply_key_fields(const KeyFields& fields, std::int64_t now_ms,
                                                    store::KeyRecord& key);
void apply_team_fields(const TeamFields& fields, std::int64_t now_ms, store::TeamRecord& team);

/// A string member `name` (required): nullopt and `out` set, or the 400.
std::optional<canonical::ApiError> required_string(const rapidjson::Value& body, const char* name, std::string& out);
/// A non-empty array of non-empty strings under `name` (at most 1000).
std::optional<canonical::ApiError> required_string_list(const rapidjson::Value& body, const char* name,
                                                        std::vector<std::string>& out);

/// The hash a key is looked up by: a 64-hex-digit token is taken as the hash itself, anything else
/// is hashed as a key ("sk-…").
std::string key_lookup_hash(std::string_view key_or_token);

/// "30d", "1mo", "daily", …: the expiry `now_ms` plus it; nullopt when unreadable.
std::optional<std::int64_t> expiry_after(std::string_view duration, std::int64_t now_ms);

/// Query-string times: "YYYY-MM-DD" (UTC midnight) or unix milliseconds. nullopt when unreadable.
std::optional<std::int64_t> parse_time(std::string_view text);
/// A decimal integer within [lo, hi].
std::optional<std::int64_t> parse_int(std::string_view text, std::int64_t lo, std::int64_t hi);

/// "2026-12-06T09:58:00.000Z", or null for 0 (appended as JSON).
void append_time(std::string& out, std::int64_t unix_ms);
/// Nano-dollars as a JSON number of USD with the exact decimals.
void append_usd(std::string& out, std::int64_t nano_usd);

/// One key's record as JSON (no key, only its hash as "token").
std::string key_json(const store::KeyRecord& key);
std::string team_json(const store::TeamRecord& team);
std::string ledger_row_json(const store::LedgerRow& row);
std::string spend_total_json(const store::SpendTotal& total, std::string_view group_by);

}  // namespace llmgw::admin

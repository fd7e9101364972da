// What the store keeps about keys, teams and calls: plain data, one struct per table row.
// Units: times are unix milliseconds (UTC), money is integer nano-dollars (1 USD = 10^9), and a
// limit of 0 means "no limit". Budget -1 means "no budget".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace llmgw::store {

/// The limits and budget a key or a team carries (a team's bind all its keys).
struct Limits {
  std::vector<std::string> models;    // allowed aliases or wildcards; empty: every model
  std::int64_t rpm = 0;               // requests per minute; 0: none
  std::int64_t tpm = 0;               // tokens per minute; 0: none
  std::int64_t max_parallel = 0;      // requests in flight; 0: none
  std::int64_t budget_nano_usd = -1;  // spend allowed per period; -1: none
  std::string budget_period;          // "" (never resets), "daily", "weekly", "monthly", "30d", ...
  std::int64_t budget_reset_at = 0;   // when spend next returns to 0; 0: never
  std::int64_t spend_nano_usd = 0;    // spent since the last reset (written by the ledger writer)
};

struct TeamRecord {
  std::string team_id;
  std::string name;
  Limits limits;
  std::string metadata_json = "{}";
  bool blocked = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

/// A virtual key. Only the SHA-256 (hex) of the key is ever stored: the key itself is shown once.
struct KeyRecord {
  std::string key_hash;
  std::string name;
  std::string owner;
  std::string team_id;  // "" when the key belongs to no team
  Limits limits;
  std::int64_t expires_at = 0;  // 0: never
  std::string metadata_json = "{}";
  bool blocked = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

/// One call, as the spend ledger keeps it. Token counts follow the canonical usage
/// (sdk/CANONICAL.md): input_tokens counts every input token, cache reads and writes included;
/// output_tokens includes reasoning tokens. Unknown counts are 0.
struct LedgerRow {
  std::string request_id;  // unique: a row written twice is stored once
  std::string key_hash;
  std::string team_id;
  std::string alias;
  std::string deployment;
  std::string provider;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cached_read_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  std::int64_t cost_nano_usd = 0;
  std::int64_t latency_ms = 0;
  std::int64_t ttft_ms = -1;  // -1: not a stream, or no first token
  std::int64_t status = 0;    // HTTP status answered
  std::int64_t created_at = 0;

  bool operator==(const LedgerRow&) const = default;
};

}  // namespace llmgw::store

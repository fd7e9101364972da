// The scopes a call is limited under, each with its own RPM, TPM and parallel-request limit:
// the virtual key, its team (binding all its keys), and the key's limit on this model (LiteLLM's
// model_rpm_limit / model_tpm_limit in the key's metadata: {"model_rpm_limit": {"gpt-4o": 10}}).
// A scope with no limit at all is left out; a call under no scope is not counted anywhere.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace llmgw::limits {

enum class ScopeKind { key, team, model };

struct Scope {
  ScopeKind kind = ScopeKind::key;
  std::string id;            // unique across kinds: "key:<hash>", "team:<id>", "model:<hash>:<alias>"
  std::int64_t rpm = 0;      // 0: no limit
  std::int64_t tpm = 0;
  std::int64_t parallel = 0;

  bool limited() const { return rpm > 0 || tpm > 0 || parallel > 0; }
};

/// At most three scopes: key, team, model (in that order, the unlimited ones left out).
using Scopes = std::vector<Scope>;

/// "this key", "team 't1'", "this key on model 'gpt-4o'": how a refusal names the scope.
std::string scope_label(const Scope& scope);

/// The scopes of a call by `key` (with its `team`, null when none) on `alias`.
Scopes resolve_scopes(const store::KeyRecord& key, const store::TeamRecord* team, std::string_view alias);

/// The value for `alias` in the metadata object `field` ({"model_rpm_limit": {"alias": n}}), 0
/// when absent, not an object or not a positive integer. Outside bytes (admin input): bounded.
std::int64_t model_limit_from_metadata(std::string_view metadata_json, std::string_view field, std::string_view alias);

}  // namespace llmgw::limits

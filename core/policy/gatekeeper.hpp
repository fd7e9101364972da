// Who may call, and on what terms: the ingress's phase 1 (identify the caller from its key) and
// phase 6 (admit this call: the model, expiry, blocks, budgets). The master key may do anything;
// a virtual key (policy/key_cache) is checked against its record and its team's. Without a
// master key and without a key store, every caller is anonymous and admitted (no auth).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "canonical/api_error.hpp"
#include "canonical/header_fields.hpp"
#include "policy/key_cache.hpp"
#include "policy/master_key_auth.hpp"

namespace llmgw::policy {

/// The caller of one request, as phase 1 found it.
struct Caller {
  enum class Kind { Anonymous, Master, VirtualKey } kind = Kind::Anonymous;
  std::shared_ptr<const KeyCache::Snapshot> snapshot;  // keeps `key` and `team` alive
  const store::KeyRecord* key = nullptr;
  const store::TeamRecord* team = nullptr;             // null: no team, or a missing one
};

class Gatekeeper {
 public:
  /// `keys` may be null (no key store: the master key alone, or no auth at all).
  Gatekeeper(const MasterKeyAuth& master, const KeyCache* keys) : master_(master), keys_(keys) {}

  /// Phase 1: the caller, or the 401 to answer (no key, a malformed header, an unknown key).
  std::optional<canonical::ApiError> identify(canonical::HeaderFields headers, Caller& caller) const;
  /// The same for a key already taken from the request (`presented`, non-empty).
  std::optional<canonical::ApiError> identify_key(std::string_view presented, Caller& caller) const;
  /// Phase 6: whether `caller` may call `alias` at `now_ms`: nullopt, or the refusal (401 key
  /// expired; 403 blocked key or team, model not allowed; 429 budget spent, naming its reset).
  std::optional<canonical::ApiError> admit(const Caller& caller, std::string_view alias, int64_t now_ms) const;

  bool master_only() const { return keys_ == nullptr; }

 private:
  const MasterKeyAuth& master_;
  const KeyCache* keys_;
};

}  // namespace llmgw::policy

// The master key check: with general_settings.master_key set, every API request must carry it
// as "Authorization: Bearer <key>" (or "x-api-key: <key>", as Anthropic clients send it).
#pragma once

#include "canonical/header_fields.hpp"

#include <optional>
#include <string>
#include <string_view>

#include "canonical/api_error.hpp"

namespace llmgw::policy {

class MasterKeyAuth {
 public:
  explicit MasterKeyAuth(std::string master_key) : key_(std::move(master_key)) {}
  bool enabled() const { return !key_.empty(); }
  /// True when `presented` is the master key (compared in constant time).
  bool matches(std::string_view presented) const;
  /// nullopt when allowed; otherwise the 401 to answer.
  std::optional<canonical::ApiError> check(canonical::HeaderFields headers) const;

 private:
  std::string key_;
};

}  // namespace llmgw::policy

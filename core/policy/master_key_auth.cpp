#include "policy/master_key_auth.hpp"

#include <string_view>

#include "policy/presented_key.hpp"
#include "policy/virtual_key.hpp"

namespace llmgw::policy {

bool MasterKeyAuth::matches(std::string_view presented) const {
  return !key_.empty() && keys_equal(presented, key_);
}

std::optional<canonical::ApiError> MasterKeyAuth::check(canonical::HeaderFields headers) const {
  if (key_.empty()) return std::nullopt;
  std::string_view presented;
  if (auto missing = presented_key(headers, presented)) return missing;
  if (!matches(presented)) return unauthorized("Incorrect API key provided.");
  return std::nullopt;
}

}  // namespace llmgw::policy

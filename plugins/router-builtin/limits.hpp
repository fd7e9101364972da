// Usage against a deployment's rpm / tpm limits, shared by the strategies that respect them.
#pragma once

#include <llmgw/plugin.h>

#include <algorithm>

namespace llmgw::router_builtin {

/// True when a limit is set and this minute's usage has reached it.
inline bool at_limit(const llmgw_candidate& c) noexcept {
  return (c.rpm_limit > 0 && c.requests_this_minute >= c.rpm_limit) ||
         (c.tpm_limit > 0 && c.tokens_this_minute >= c.tpm_limit);
}

/// The larger of the used fractions of the rpm and tpm limits (0 when neither is set; 1 or
/// more at or over a limit). Lower means more headroom.
inline double used_fraction(const llmgw_candidate& c) noexcept {
  double used = 0;
  if (c.rpm_limit > 0) used = std::max(used, static_cast<double>(c.requests_this_minute) / static_cast<double>(c.rpm_limit));
  if (c.tpm_limit > 0) used = std::max(used, static_cast<double>(c.tokens_this_minute) / static_cast<double>(c.tpm_limit));
  return used;
}

/// Whether every candidate is at a limit (then the strategies that skip such deployments
/// consider them all: the core does not reject a call for want of headroom).
template <typename Candidates>
bool all_at_limit(const Candidates& candidates) noexcept {
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (!at_limit(candidates[i])) return false;
  return true;
}

}  // namespace llmgw::router_builtin

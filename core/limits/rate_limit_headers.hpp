// What a client is told about its limits, from the counters of the decision that admitted or
// refused its call: OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens} headers (for
// each dimension, the scope with the least left: the one that binds), and the 429 of a refused
// call (rate_limit_error / rate_limit_exceeded, naming the scope and the limit, with Retry-After).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "canonical/api_error.hpp"
#include "limits/limit_scopes.hpp"
#include "limits/window_math.hpp"

namespace llmgw::limits {

using Headers = std::vector<std::pair<std::string, std::string>>;

/// The x-ratelimit-* headers of `decision` (none for a dimension no scope limits).
Headers rate_limit_headers(const Scopes& scopes, const Decision& decision);

/// The 429 of a refused decision (nullopt when it was allowed).
std::optional<canonical::ApiError> refusal(const Scopes& scopes, const Decision& decision);

}  // namespace llmgw::limits

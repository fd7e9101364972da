// A request's budget estimate before pricing: its prompt tokens and its own output bound
// (policy/budget_estimate prices it; policy/estimate_tally finds it).
#pragma once

#include <cstdint>

namespace llmgw::policy {

struct RequestEstimate {
  std::int64_t prompt_tokens = 0;
  std::int64_t max_output_tokens = -1;  // the request's own bound; -1: none given
  friend bool operator==(const RequestEstimate&, const RequestEstimate&) = default;
};

}  // namespace llmgw::policy

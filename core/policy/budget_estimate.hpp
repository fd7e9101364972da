// How much a call may cost before it is made: the budget reservation taken at admission.
//   prompt tokens  ≈ the request's string values (messages, system, tools' descriptions...),
//                    one token per 4 bytes rounded up, plus one per string (roles, names);
//                    keys and JSON punctuation are not counted (they are not tokens upstream)
//   output tokens  ≤ the request's max_tokens / max_completion_tokens / max_output_tokens,
//                    else the model's max_output_tokens (then max_tokens) from the price table;
//                    embeddings have none
//   reservation    = prompt × input price + output bound × output price (reasoning is output),
//                    capped at general_settings.max_budget_reservation (default $1): a request
//                    with no bound reserves the cap.
// Exact integer arithmetic (pico-dollars), as pricing/cost.
#pragma once

#include <cstdint>
#include <string_view>

#include "policy/request_estimate.hpp"
#include "pricing/model_price.hpp"

namespace llmgw::policy {

/// One SAX pass over a body (iterative: no recursion), tallied by policy::EstimateTally. A body
/// that does not parse estimates from its size (4 bytes per token). The ingress takes the
/// dialect's scan's tally instead (ScannedRequest::estimate: the same rules, no second parse);
/// this is for callers without a scan, and the reference the scans' tallies are tested against.
RequestEstimate estimate_request(std::string_view body);

/// Nano-dollars to reserve for the estimate on `price` (rounded up), at most `cap_nano`.
/// `has_output`: false for embeddings.
std::int64_t reservation_nano(const pricing::ModelPrice& price, const RequestEstimate& estimate, bool has_output,
                              std::int64_t cap_nano);

/// What `events` stream events cost at most on top of the prompt (one output token per event:
/// an upper bound for deltas, which carry a token or more each only rarely less), nano-dollars
/// rounded up. The running figure budget_enforcement: cut compares with what is left.
std::int64_t streamed_cost_nano(const pricing::ModelPrice& price, std::int64_t prompt_tokens, std::int64_t events);

}  // namespace llmgw::policy

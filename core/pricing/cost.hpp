// The cost of one call from its canonical usage (sdk/CANONICAL.md "Usage", llmgw_usage):
//   prompt_tokens counts every input token, cache reads and cache writes included;
//   completion_tokens counts every output token, reasoning included.
// Each token is priced once, by its kind:
//   cache reads   × cache_read  (input price when the model has none)
//   cache writes  × cache_write (input price when the model has none)
//   other input   = prompt − cache reads − cache writes, × input
//   reasoning     × reasoning   (only when the model has a reasoning price; otherwise it is
//                                part of the output and priced as output)
//   other output  = completion − (reasoning when priced apart), × output
// An Anthropic usage (input_tokens excludes cache reads and writes) is first made canonical by
// its decoder (input + cache reads + cache writes = prompt_tokens), so it is priced the same way.
// Unknown counts (-1) are 0; counts that contradict each other (more cached than prompt tokens)
// are clamped so no token is priced twice and none is negative.
// Arithmetic is exact: pico-dollars in 128 bits, saturated at INT64_MAX pUSD ($9.2M per call);
// the ledger keeps nano-dollars, rounded half up from pico-dollars once per call.
#pragma once

#include <cstdint>

#include "pricing/model_price.hpp"

namespace llmgw::pricing {

/// Canonical usage counts (-1: not reported), as llmgw_usage carries them.
struct TokenUsage {
  std::int64_t prompt = -1;
  std::int64_t completion = -1;
  std::int64_t cached_read = -1;
  std::int64_t cache_write = -1;
  std::int64_t reasoning = -1;
};

struct Cost {
  // The tokens of each kind that were priced, and what each kind cost (pico-dollars).
  std::int64_t uncached_input_tokens = 0, cache_read_tokens = 0, cache_write_tokens = 0;
  std::int64_t output_tokens = 0, reasoning_tokens = 0;  // reasoning_tokens: priced apart only
  std::int64_t input_pico = 0, cache_read_pico = 0, cache_write_pico = 0, output_pico = 0, reasoning_pico = 0;
  std::int64_t total_pico = 0;

  /// total_pico in nano-dollars, rounded half up.
  std::int64_t nano_usd() const;
};

Cost compute_cost(const ModelPrice& price, const TokenUsage& usage);

}  // namespace llmgw::pricing

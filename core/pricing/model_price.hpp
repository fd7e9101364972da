// What one model costs, in pico-dollars per token (pricing/decimal_price.hpp), with the fields of
// LiteLLM's model_prices_and_context_window.json. -1: not given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace llmgw::pricing {

struct ModelPrice {
  std::int64_t input = 0;        // input_cost_per_token
  std::int64_t output = 0;       // output_cost_per_token
  std::int64_t cache_read = -1;  // cache_read_input_token_cost; -1: billed as input
  std::int64_t cache_write = -1; // cache_creation_input_token_cost; -1: billed as input
  std::int64_t reasoning = -1;   // output_cost_per_reasoning_token; -1: billed as output
  std::int64_t max_tokens = -1;
  std::int64_t max_input_tokens = -1;
  std::int64_t max_output_tokens = -1;
  std::string provider;          // litellm_provider
};

/// A deployment's own prices (model_list litellm_params / model_info): each given field wins
/// over the table's.
struct PriceOverride {
  std::optional<std::int64_t> input, output, cache_read, cache_write, reasoning;
  bool empty() const { return !input && !output && !cache_read && !cache_write && !reasoning; }
};

/// `base` with every field the override gives replaced.
ModelPrice apply(ModelPrice base, const PriceOverride& override_);

}  // namespace llmgw::pricing

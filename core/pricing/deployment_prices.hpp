// What each deployment's tokens cost: the price table's entry for its upstream model
// ("<provider>/<model>", then "<model>") with the deployment's own prices (litellm_params /
// model_info input_cost_per_token, output_cost_per_token, cache_read_input_token_cost,
// cache_creation_input_token_cost, output_cost_per_reasoning_token) winning field by field.
// Overrides are read from their decimal text (pricing/decimal_price), never through a double.
// A deployment with overrides but no table entry is priced by its overrides alone (unknown
// fields 0). Built once at start; read by every loop without a lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pricing/cost.hpp"
#include "pricing/model_price.hpp"
#include "pricing/price_table.hpp"

namespace llmgw::pricing {

/// A deployment's prices as the config wrote them ("" = not given).
struct PriceOverrideText {
  std::string_view input, output, cache_read, cache_write, reasoning;
};

/// The override the texts give. A text that is not a price is left out and named in `errors`
/// ("<field>: not a price in USD per token").
PriceOverride parse_override(const PriceOverrideText& text, std::vector<std::string>& errors);

class DeploymentPrices {
 public:
  /// Adds deployment `id` (provider and upstream model as in the config). Returns the lines of
  /// its overrides that were not prices.
  std::vector<std::string> add(std::string id, std::string_view provider, std::string_view model,
                               const PriceOverrideText& override_text, const PriceTable& table);

  /// The deployment's prices, or null when neither the table nor an override prices it.
  const ModelPrice* find(std::string_view deployment_id) const;

  /// The exact cost of `usage` on the deployment, nano-dollars (0 when it has no price).
  std::int64_t cost_nano_usd(std::string_view deployment_id, const TokenUsage& usage) const;

  std::size_t size() const { return prices_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, ModelPrice, Hash, std::equal_to<>> prices_;
};

}  // namespace llmgw::pricing

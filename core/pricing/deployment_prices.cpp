#include "pricing/deployment_prices.hpp"

#include "pricing/decimal_price.hpp"

namespace llmgw::pricing {

PriceOverride parse_override(const PriceOverrideText& t, std::vector<std::string>& errors) {
  PriceOverride o;
  auto read = [&](std::string_view text, const char* field, std::optional<std::int64_t>& out) {
    if (text.empty()) return;
    if (auto pico = parse_usd_to_pico(text)) out = *pico;
    else errors.push_back(std::string(field) + ": not a price in USD per token");
  };
  read(t.input, "input_cost_per_token", o.input);
  read(t.output, "output_cost_per_token", o.output);
  read(t.cache_read, "cache_read_input_token_cost", o.cache_read);
  read(t.cache_write, "cache_creation_input_token_cost", o.cache_write);
  read(t.reasoning, "output_cost_per_reasoning_token", o.reasoning);
  return o;
}

std::vector<std::string> DeploymentPrices::add(std::string id, std::string_view provider, std::string_view model,
                                               const PriceOverrideText& override_text, const PriceTable& table) {
  std::vector<std::string> errors;
  const PriceOverride o = parse_override(override_text, errors);
  const ModelPrice* base = table.find(provider, model);
  if (!base && o.empty()) return errors;
  prices_[std::move(id)] = apply(base ? *base : ModelPrice{}, o);
  return errors;
}

const ModelPrice* DeploymentPrices::find(std::string_view deployment_id) const {
  auto it = prices_.find(deployment_id);
  return it == prices_.end() ? nullptr : &it->second;
}

std::int64_t DeploymentPrices::cost_nano_usd(std::string_view deployment_id, const TokenUsage& usage) const {
  const ModelPrice* p = find(deployment_id);
  return p ? compute_cost(*p, usage).nano_usd() : 0;
}

}  // namespace llmgw::pricing

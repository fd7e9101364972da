// A price table in LiteLLM's model_prices_and_context_window.json format: one object per model
// name, with input_cost_per_token, output_cost_per_token, cache_read_input_token_cost,
// cache_creation_input_token_cost, output_cost_per_reasoning_token (USD per token, read exactly
// from their decimal text), max_tokens / max_input_tokens / max_output_tokens and
// litellm_provider. Other fields are ignored. An entry with neither an input nor an output cost
// (images, audio, "sample_spec") is not a token-priced model and is left out; an entry with a bad
// value is left out with a warning naming it, so one odd entry in an operator's file never stops
// the gateway, while a file that is not a JSON object of objects is an error.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pricing/model_price.hpp"

namespace llmgw::pricing {

class PricingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class PriceTable {
 public:
  /// Throws PricingError (naming `source`) when the text is not a JSON object.
  static PriceTable parse(std::string_view json, const std::string& source = "prices");
  /// Reads and parses a file (at most 64 MiB). Throws PricingError.
  static PriceTable load_file(const std::string& path);

  /// Adds every entry of `other`, replacing entries of the same name (an operator's file over
  /// the shipped default).
  void merge(const PriceTable& other);

  /// The price of a deployment's upstream model: "<provider>/<model>" first (LiteLLM keys
  /// such as "gemini/gemini-2.5-pro", "mistral/mistral-large-latest"), then "<model>".
  /// nullptr when neither is in the table.
  const ModelPrice* find(std::string_view provider, std::string_view model) const;
  const ModelPrice* find(std::string_view name) const;

  std::size_t size() const { return prices_.size(); }
  /// One line per entry left out for a bad value: "<source>: <model>.<field>: <why>".
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::map<std::string, ModelPrice, std::less<>> prices_;
  std::vector<std::string> warnings_;
};

}  // namespace llmgw::pricing

#include "pricing/cost.hpp"

#include <algorithm>
#include <limits>

namespace llmgw::pricing {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::int64_t known(std::int64_t n) { return n > 0 ? n : 0; }

std::int64_t saturate(__int128 v) { return v > kMax ? kMax : static_cast<std::int64_t>(v); }

std::int64_t times(std::int64_t tokens, std::int64_t pico_per_token) {
  return saturate(static_cast<__int128>(tokens) * (pico_per_token > 0 ? pico_per_token : 0));
}

}  // namespace

ModelPrice apply(ModelPrice base, const PriceOverride& o) {
  if (o.input) base.input = *o.input;
  if (o.output) base.output = *o.output;
  if (o.cache_read) base.cache_read = *o.cache_read;
  if (o.cache_write) base.cache_write = *o.cache_write;
  if (o.reasoning) base.reasoning = *o.reasoning;
  return base;
}

std::int64_t Cost::nano_usd() const { return saturate((static_cast<__int128>(total_pico) + 500) / 1000); }

Cost compute_cost(const ModelPrice& p, const TokenUsage& u) {
  Cost c;
  const std::int64_t prompt = known(u.prompt);
  c.cache_read_tokens = std::min(known(u.cached_read), prompt);
  c.cache_write_tokens = std::min(known(u.cache_write), prompt - c.cache_read_tokens);
  c.uncached_input_tokens = prompt - c.cache_read_tokens - c.cache_write_tokens;
  const std::int64_t completion = known(u.completion);
  if (p.reasoning >= 0) c.reasoning_tokens = std::min(known(u.reasoning), completion);
  c.output_tokens = completion - c.reasoning_tokens;

  c.input_pico = times(c.uncached_input_tokens, p.input);
  c.cache_read_pico = times(c.cache_read_tokens, p.cache_read >= 0 ? p.cache_read : p.input);
  c.cache_write_pico = times(c.cache_write_tokens, p.cache_write >= 0 ? p.cache_write : p.input);
  c.output_pico = times(c.output_tokens, p.output);
  c.reasoning_pico = times(c.reasoning_tokens, p.reasoning);
  c.total_pico = saturate(static_cast<__int128>(c.input_pico) + c.cache_read_pico + c.cache_write_pico +
                          c.output_pico + c.reasoning_pico);
  return c;
}

}  // namespace llmgw::pricing

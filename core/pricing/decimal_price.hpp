// Prices as exact integers. A price per token in USD ("2.5e-06", "0.000003") is read from its
// decimal text, never through a double, into pico-dollars per token (1 USD = 10^12 pUSD), the
// same as micro-dollars per million tokens: $2.50 / 1M tokens = 2,500,000 pUSD / token. Every
// published per-token price has at most 12 decimals, so this is exact; a price with more is
// rounded half up to whole pico-dollars (the only rounding on the way in).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw::pricing {

/// USD per token (decimal text, optional exponent) → pico-dollars per token. nullopt for
/// anything else: a sign, a non-number, NaN/Inf, or a price above $1,000,000 per token.
std::optional<std::int64_t> parse_usd_to_pico(std::string_view text);

/// Nano-dollars as an exact decimal USD string: 1234567 → "0.001234567", 0 → "0",
/// 2500000000 → "2.5" (no trailing zeros; negative values get a leading '-').
std::string format_nano_usd(std::int64_t nano_usd);

}  // namespace llmgw::pricing

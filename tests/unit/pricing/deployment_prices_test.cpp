// Per-deployment price overrides: read from their decimal text, winning field by field over the
// price table; a deployment priced by overrides alone; a bad override named and left out.
#include <catch2/catch.hpp>

#include "pricing/deployment_prices.hpp"

using namespace llmgw::pricing;

namespace {

const PriceTable& table() {
  static const PriceTable t = PriceTable::parse(R"({
    "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
               "cache_read_input_token_cost": 1.25e-06, "max_output_tokens": 16384, "litellm_provider": "openai"}})");
  return t;
}

}  // namespace

TEST_CASE("deployment prices: the table's entry, with each override winning") {
  DeploymentPrices prices;
  CHECK(prices.add("plain", "openai", "gpt-4o", {}, table()).empty());
  // Decimal texts that a double would not hold exactly: read as written.
  CHECK(prices.add("mine", "openai", "gpt-4o", {"0.0000000000033", "", "0.1e-6", "", "0.00002"}, table()).empty());
  const ModelPrice* plain = prices.find("plain");
  REQUIRE(plain);
  CHECK(plain->input == 2'500'000);
  const ModelPrice* mine = prices.find("mine");
  REQUIRE(mine);
  CHECK(mine->input == 3);               // 3.3 pUSD rounded half up: the one rounding on the way in
  CHECK(mine->output == 10'000'000);     // from the table
  CHECK(mine->cache_read == 100'000);    // 0.1e-6 USD
  CHECK(mine->cache_write == -1);
  CHECK(mine->reasoning == 20'000'000);
  CHECK(mine->max_output_tokens == 16384);
  // 1000 prompt tokens (200 cached) + 10 output tokens, of which 4 reasoning:
  // 800 × 3 + 200 × 100,000 + 6 × 10,000,000 + 4 × 20,000,000 pUSD = 160,002,400 pUSD → 160,002 nUSD.
  CHECK(prices.cost_nano_usd("mine", TokenUsage{1000, 10, 200, -1, 4}) == 160'002);
  // The table alone: 800 × 2.5 µ$ + 200 × 1.25 µ$ + 10 × 10 µ$ (no reasoning price: output) = $0.00235.
  CHECK(prices.cost_nano_usd("plain", TokenUsage{1000, 10, 200, -1, 4}) == 2'350'000);
  CHECK(prices.cost_nano_usd("unknown", TokenUsage{1000, 10, 0, 0, 0}) == 0);
}

TEST_CASE("deployment prices: overrides alone price a model the table lacks; bad texts are named") {
  DeploymentPrices prices;
  CHECK(prices.add("none", "openai", "no-such-model", {}, table()).empty());
  CHECK(prices.find("none") == nullptr);
  CHECK(prices.add("own", "custom", "no-such-model", {"1e-6", "2e-6", "", "", ""}, table()).empty());
  REQUIRE(prices.find("own"));
  CHECK(prices.cost_nano_usd("own", TokenUsage{10, 10, -1, -1, -1}) == 30'000);  // 10 × 1 µ$ + 10 × 2 µ$
  const auto errors = prices.add("bad", "openai", "gpt-4o", {"cheap", "", "-1", "", ""}, table());
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == "input_cost_per_token: not a price in USD per token");
  CHECK(errors[1] == "cache_read_input_token_cost: not a price in USD per token");
  CHECK(prices.find("bad")->input == 2'500'000);  // the table's stays
}

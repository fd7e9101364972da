// libFuzzer target: the budget reservation's estimate of a request body (core/policy/
// budget_estimate: one SAX pass over the client's JSON) and a deployment's price override text
// (core/pricing/deployment_prices). Checks: nothing crashes or throws; the prompt estimate is
// non-negative and bounded by the body's size; the output bound is -1 or a count; the
// reservation is between 0 and the cap; a stream's running cost never falls as events arrive;
// an override either parses to a non-negative price or is named as not a price.
#include "fuzz_util.hpp"
#include "policy/budget_estimate.hpp"
#include "pricing/deployment_prices.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto e = llmgw::policy::estimate_request(text);
  FUZZ_REQUIRE(e.prompt_tokens >= 0);
  FUZZ_REQUIRE(static_cast<std::size_t>(e.prompt_tokens) <= size / 4 + 1 + size / 2);
  FUZZ_REQUIRE(e.max_output_tokens >= -1);

  llmgw::pricing::ModelPrice price;
  price.input = 2'500'000;
  price.output = 10'000'000;
  price.max_output_tokens = 16384;
  constexpr std::int64_t kCap = 1'000'000'000;
  for (bool output : {true, false}) {
    const std::int64_t r = llmgw::policy::reservation_nano(price, e, output, kCap);
    FUZZ_REQUIRE(r >= 0 && r <= kCap);
  }
  std::int64_t last = 0;
  for (std::int64_t events : {0, 1, 7, 1000}) {
    const std::int64_t c = llmgw::policy::streamed_cost_nano(price, e.prompt_tokens, events);
    FUZZ_REQUIRE(c >= last);
    last = c;
  }

  std::vector<std::string> errors;
  const auto o = llmgw::pricing::parse_override({text, text, {}, {}, {}}, errors);
  FUZZ_REQUIRE(size == 0 || o.input.has_value() != (errors.size() == 2));
  if (o.input) FUZZ_REQUIRE(*o.input >= 0 && o.output && *o.output == *o.input);
  return 0;
}

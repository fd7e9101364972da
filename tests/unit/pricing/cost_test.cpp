#include <catch2/catch.hpp>

#include <limits>

#include "pricing/cost.hpp"

using namespace llmgw::pricing;

namespace {

ModelPrice gpt_4o() {  // $2.50 in, $10 out, $1.25 cached input per 1M tokens
  ModelPrice p;
  p.input = 2'500'000;
  p.output = 10'000'000;
  p.cache_read = 1'250'000;
  return p;
}

ModelPrice claude_sonnet() {  // $3 in, $15 out, $3.75 cache write, $0.30 cache read per 1M
  ModelPrice p;
  p.input = 3'000'000;
  p.output = 15'000'000;
  p.cache_write = 3'750'000;
  p.cache_read = 300'000;
  return p;
}

}  // namespace

TEST_CASE("OpenAI usage: cached tokens are part of prompt_tokens and priced once", "[pricing][cost]") {
  // sdk/CANONICAL.md's example: 2006 prompt tokens of which 1920 cached; 300 completion tokens
  // of which 128 reasoning (gpt-4o has no reasoning price: they are output).
  TokenUsage u{2006, 300, 1920, 0, 128};
  Cost c = compute_cost(gpt_4o(), u);
  CHECK(c.uncached_input_tokens == 86);
  CHECK(c.cache_read_tokens == 1920);
  CHECK(c.output_tokens == 300);
  CHECK(c.reasoning_tokens == 0);
  // 86 × $2.5e-6 = $0.000215; 1920 × $1.25e-6 = $0.0024; 300 × $1e-5 = $0.003
  CHECK(c.input_pico == 215'000'000);
  CHECK(c.cache_read_pico == 2'400'000'000);
  CHECK(c.output_pico == 3'000'000'000);
  CHECK(c.total_pico == 5'615'000'000);
  CHECK(c.nano_usd() == 5'615'000);  // $0.005615
}

TEST_CASE("Anthropic usage: cache reads and writes priced as billed, input never twice", "[pricing][cost]") {
  // Anthropic reported input_tokens 100, cache_read_input_tokens 5000,
  // cache_creation_input_tokens 2000, output_tokens 400; its decoder makes prompt_tokens
  // 100 + 5000 + 2000 = 7100 (plugins/provider-anthropic/usage.hpp).
  TokenUsage u{7100, 400, 5000, 2000, -1};
  Cost c = compute_cost(claude_sonnet(), u);
  CHECK(c.uncached_input_tokens == 100);
  CHECK(c.cache_read_tokens == 5000);
  CHECK(c.cache_write_tokens == 2000);
  // 100 × $3e-6 = $0.0003; 5000 × $3e-7 = $0.0015; 2000 × $3.75e-6 = $0.0075; 400 × $1.5e-5 = $0.006
  CHECK(c.input_pico == 300'000'000);
  CHECK(c.cache_read_pico == 1'500'000'000);
  CHECK(c.cache_write_pico == 7'500'000'000);
  CHECK(c.output_pico == 6'000'000'000);
  CHECK(c.nano_usd() == 15'300'000);  // $0.0153
  // Were all 7100 prompt tokens priced as input on top, it would be $0.0213 more.
}

TEST_CASE("no cache prices: cache tokens are billed as input", "[pricing][cost]") {
  ModelPrice p;
  p.input = 1'000'000;
  p.output = 2'000'000;
  Cost c = compute_cost(p, TokenUsage{1000, 10, 600, 100, -1});
  CHECK(c.total_pico == 1000 * 1'000'000 + 10 * 2'000'000);
}

TEST_CASE("a reasoning price prices reasoning tokens apart from the rest of the output", "[pricing][cost]") {
  ModelPrice p;
  p.input = 1'000'000;
  p.output = 10'000'000;
  p.reasoning = 20'000'000;
  Cost c = compute_cost(p, TokenUsage{0, 300, -1, -1, 100});
  CHECK(c.output_tokens == 200);
  CHECK(c.reasoning_tokens == 100);
  CHECK(c.total_pico == 200 * 10'000'000LL + 100 * 20'000'000LL);  // $0.004
  CHECK(c.nano_usd() == 4'000'000);
}

TEST_CASE("rounding to nano-dollars is half up, once per call", "[pricing][cost]") {
  ModelPrice p;
  p.input = 37'500;  // $0.0375 / 1M
  CHECK(compute_cost(p, TokenUsage{1, 0, 0, 0, 0}).total_pico == 37'500);
  CHECK(compute_cost(p, TokenUsage{1, 0, 0, 0, 0}).nano_usd() == 38);   // 37.5 → 38
  CHECK(compute_cost(p, TokenUsage{3, 0, 0, 0, 0}).nano_usd() == 113);  // 112.5 → 113
  p.input = 37'400;
  CHECK(compute_cost(p, TokenUsage{1, 0, 0, 0, 0}).nano_usd() == 37);   // 37.4 → 37
}

TEST_CASE("unknown and contradictory counts never price a token twice or negatively", "[pricing][cost]") {
  // Nothing reported.
  CHECK(compute_cost(gpt_4o(), TokenUsage{}).total_pico == 0);
  // More cached than prompt tokens: all 100 are cache reads, none uncached.
  Cost c = compute_cost(claude_sonnet(), TokenUsage{100, 0, 5000, 2000, -1});
  CHECK(c.cache_read_tokens == 100);
  CHECK(c.cache_write_tokens == 0);
  CHECK(c.uncached_input_tokens == 0);
  // More reasoning than completion tokens.
  ModelPrice p;
  p.reasoning = 1;
  c = compute_cost(p, TokenUsage{0, 10, 0, 0, 50});
  CHECK(c.reasoning_tokens == 10);
  CHECK(c.output_tokens == 0);
  // Negative counts other than -1 are unknown too.
  CHECK(compute_cost(gpt_4o(), TokenUsage{-7, -3, -1, -1, -1}).total_pico == 0);
}

TEST_CASE("huge counts saturate instead of wrapping", "[pricing][cost]") {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  Cost c = compute_cost(gpt_4o(), TokenUsage{kMax, kMax, 0, 0, 0});
  CHECK(c.total_pico == kMax);
  CHECK(c.nano_usd() > 0);
}

TEST_CASE("a deployment's override wins field by field", "[pricing][cost]") {
  PriceOverride o;
  o.input = 1;
  o.cache_write = 5;
  ModelPrice p = apply(claude_sonnet(), o);
  CHECK(p.input == 1);
  CHECK(p.cache_write == 5);
  CHECK(p.output == 15'000'000);
  CHECK(p.cache_read == 300'000);
  CHECK(PriceOverride{}.empty());
  CHECK_FALSE(o.empty());
}

// The reservation a call takes at admission: prompt tokens from the body's strings, output bound
// by max_tokens or the model's maximum, capped; and the running cost of a stream's events.
#include <catch2/catch.hpp>

#include "policy/budget_estimate.hpp"

using namespace llmgw;

namespace {

pricing::ModelPrice price() {
  pricing::ModelPrice p;
  p.input = 2'500'000;    // $2.50 / 1M
  p.output = 10'000'000;  // $10 / 1M
  p.max_output_tokens = 16384;
  return p;
}

}  // namespace

TEST_CASE("budget estimate: strings counted, keys and punctuation not; the output bound read") {
  // 4 strings: "gpt-4o" (6), "user" (4), 40 bytes of content, "x" (1) = 51 bytes → 13 + 4 = 17.
  std::string body = R"({"model":"gpt-4o","messages":[{"role":"user","content":")";
  body.append(40, 'a');
  body.append(R"("}],"max_tokens":100,"metadata":{"max_tokens":5,"k":"x"}})");
  const auto e = policy::estimate_request(body);
  CHECK(e.prompt_tokens == 17);
  CHECK(e.max_output_tokens == 100);  // the top-level one, not metadata's
  CHECK(policy::estimate_request(R"({"max_completion_tokens": 7, "max_tokens": 9})").max_output_tokens == 7);
  CHECK(policy::estimate_request(R"({"model":"m"})").max_output_tokens == -1);
  CHECK(policy::estimate_request("not json at all!").prompt_tokens == 4);  // 16 bytes / 4
}

TEST_CASE("budget estimate: reservation = prompt × input + bound × output, capped") {
  policy::RequestEstimate e{1000, 100};
  // 1000 × 2.5 µ$ + 100 × 10 µ$ = 2500 + 1000 µ$... in nano: 2,500,000 + 1,000,000.
  CHECK(policy::reservation_nano(price(), e, true, 1'000'000'000) == 3'500'000);
  CHECK(policy::reservation_nano(price(), e, false, 1'000'000'000) == 2'500'000);  // embeddings
  CHECK(policy::reservation_nano(price(), e, true, 3'000'000) == 3'000'000);       // the cap
  e.max_output_tokens = -1;  // the model's maximum: 16384 × 10 µ$
  CHECK(policy::reservation_nano(price(), e, true, 1'000'000'000) == 2'500'000 + 163'840'000);
  pricing::ModelPrice unbounded = price();
  unbounded.max_output_tokens = -1;
  CHECK(policy::reservation_nano(unbounded, e, true, 777) == 777);  // nothing bounds it: the cap
  // Rounded up to whole nano-dollars.
  pricing::ModelPrice tiny;
  tiny.input = 1;
  CHECK(policy::reservation_nano(tiny, policy::RequestEstimate{1, 0}, true, 1'000'000) == 1);
}

TEST_CASE("budget estimate: a stream's running cost, one output token per event") {
  CHECK(policy::streamed_cost_nano(price(), 1000, 0) == 2'500'000);
  CHECK(policy::streamed_cost_nano(price(), 1000, 3) == 2'530'000);
}

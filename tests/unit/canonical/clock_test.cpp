// core/canonical/clock.hpp: the clocks every deadline is kept in, and the helpers that let a
// caller read the clock once for several deadlines taken at the same moment.
#include <catch2/catch.hpp>

#include <climits>

#include "canonical/clock.hpp"

using namespace llmgw::canonical;

TEST_CASE("clock: steady_us() / 1000 is steady_ms() at the same instant") {
  for (int i = 0; i < 10'000; ++i) {
    const int64_t before = steady_ms();
    const int64_t us = steady_us();
    const int64_t after = steady_ms();
    REQUIRE(before <= us / 1000);
    REQUIRE(us / 1000 <= after);
  }
}

TEST_CASE("clock: ms_until at a given reading") {
  CHECK(ms_until(1'000, 400) == 600);
  CHECK(ms_until(1'000, 999) == 1);
  CHECK(ms_until(1'000, 1'000) == 0);   // passed: 0
  CHECK(ms_until(1'000, 5'000) == 0);
  CHECK(ms_until(INT64_MAX, 0) == INT32_MAX);  // far: capped
  // The one-argument form reads the clock: a deadline 10 s ahead has at most 10 s left.
  const int64_t left = ms_until(steady_ms() + 10'000);
  CHECK(left <= 10'000);
  CHECK(left > 9'000);
}

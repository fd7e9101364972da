// Retry rules: which statuses may succeed on a retry, and the jittered exponential backoff.
#include <catch2/catch.hpp>

#include "pipeline/backoff.hpp"
#include "pipeline/retry_gate.hpp"

using llmgw::pipeline::backoff_ms;
using llmgw::pipeline::retryable_status;

TEST_CASE("only statuses a retry can fix are retryable") {
  for (int s : {408, 409, 429, 500, 502, 503, 504, 529}) CHECK(retryable_status(s));
  for (int s : {200, 400, 401, 403, 404, 413, 422}) CHECK_FALSE(retryable_status(s));
}

TEST_CASE("backoff grows exponentially, jittered into [50%, 100%], capped at 8 s") {
  std::minstd_rand rng(42);
  for (int n = 1; n <= 12; ++n) {
    const int64_t exp = std::min<int64_t>(int64_t{100} << std::min(n - 1, 10), 8000);
    for (int i = 0; i < 200; ++i) {
      const int64_t w = backoff_ms(n, 100, 0, -1, rng);
      CHECK(w >= exp / 2);
      CHECK(w <= exp);
    }
  }
}

TEST_CASE("backoff never undercuts retry_after nor the upstream's Retry-After") {
  std::minstd_rand rng(7);
  CHECK(backoff_ms(1, 100, 2000, -1, rng) == 2000);
  CHECK(backoff_ms(1, 100, 0, 5000, rng) == 5000);
  CHECK(backoff_ms(12, 100, 0, 300'000, rng) == 300'000);  // already clamped by the caller
}

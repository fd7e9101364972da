#include <catch2/catch.hpp>

#include "reload/state_carry_over.hpp"

using namespace llmgw;

TEST_CASE("a kept deployment keeps its cooldown, averages and this minute's usage, not its calls in flight",
          "[reload]") {
  routing::DeploymentState old;
  old.cooldown_until_ms = 123456;
  old.consecutive_failures = 2;
  old.ewma_latency_us = 5000;
  old.ewma_ttft_us = 700;
  old.recent_failures = 4;
  old.minute = 29000000;
  old.requests_this_minute = 17;
  old.tokens_this_minute = 9000;
  old.in_flight = 3;
  old.probe_until_ms = 99;
  routing::DeploymentState fresh;
  reload::carry_state(old, fresh);
  CHECK(fresh.cooldown_until_ms == 123456);
  CHECK(fresh.consecutive_failures == 2);
  CHECK(fresh.ewma_latency_us == 5000);
  CHECK(fresh.ewma_ttft_us == 700);
  CHECK(fresh.recent_failures == 4);
  CHECK(fresh.minute == 29000000);
  CHECK(fresh.requests_this_minute == 17);
  CHECK(fresh.tokens_this_minute == 9000);
  CHECK(fresh.in_flight == 0);       // those calls end on the old gateway
  CHECK(fresh.probe_until_ms == 0);  // the probe belongs to the old gateway too
  // Still cooling: a call at a time before the cooldown's end is not admitted.
  bool probe = false;
  CHECK_FALSE(fresh.admit(123000, 1000, &probe));
}

// A deployment's health: cooldowns, the half-open probe, and what a success may clear.
#include <catch2/catch.hpp>

#include "routing/deployment_state.hpp"

using llmgw::routing::DeploymentState;

TEST_CASE("a healthy deployment admits every call, none as a probe", "[deployment_state]") {
  DeploymentState s;
  bool probe = true;
  CHECK(s.admit(1000, 500, &probe));
  CHECK_FALSE(probe);
  CHECK(s.blocked_until(1000) == 0);
}

TEST_CASE("after a cooldown exactly one call probes; the others wait for its verdict", "[deployment_state]") {
  DeploymentState s;
  REQUIRE(s.cool_until(2000));
  CHECK_FALSE(s.cool_until(1500));  // never lowered
  bool probe = false;
  CHECK_FALSE(s.admit(1999, 500, &probe));
  CHECK(s.blocked_until(1999) == 2000);
  CHECK(s.admit(2000, 500, &probe));
  CHECK(probe);
  bool other = false;
  CHECK_FALSE(s.admit(2100, 500, &other));
  CHECK(s.blocked_until(2100) == 2500);
  // The probe window is not the cooldown (only the cooldown is shared between instances).
  CHECK(s.cooldown_until_ms.load() == 2000);
  // A probe that never reports lapses: the next call probes.
  CHECK(s.admit(2600, 500, &other));
  CHECK(other);
}

TEST_CASE("the probe's verdict: an answer clears the deployment, a failure cools it again", "[deployment_state]") {
  DeploymentState s;
  s.cool_until(100);
  bool probe = false;
  REQUIRE(s.admit(200, 1000, &probe));
  s.mark_healthy();
  CHECK(s.cooldown_until_ms.load() == 0);
  CHECK(s.blocked_until(300) == 0);

  s.cool_until(400);
  REQUIRE(s.admit(500, 1000, &probe));
  s.cool_until(5500);  // failed: cooled again
  s.release_probe();
  CHECK(s.blocked_until(600) == 5500);
}

TEST_CASE("an ordinary success keeps a cooldown (it may have started before it)", "[deployment_state]") {
  DeploymentState s;
  s.consecutive_failures = 2;
  s.cool_until(10'000);
  s.mark_success();
  CHECK(s.consecutive_failures.load() == 0);
  CHECK(s.cooldown_until_ms.load() == 10'000);
}

TEST_CASE("allowed_fails counts failures within the window of each other", "[deployment_state]") {
  DeploymentState s;
  CHECK(s.count_failure(1'000, 60'000) == 1);
  CHECK(s.count_failure(2'000, 60'000) == 2);
  CHECK(s.count_failure(70'000, 60'000) == 1);  // more than a window after the last: a new count
}

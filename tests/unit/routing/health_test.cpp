// routing/health: the next deployment of a pool (cooling ones skipped, untried first, the probe
// claimed once) and how an attempt's end changes health.
#include <catch2/catch.hpp>

#include "loader/registry.hpp"
#include "routing/health.hpp"
#include "routing_fixture.hpp"

using namespace llmgw;
using namespace llmgw::routing;
using namespace llmgw::routing::test;

namespace {

config::RouterSettings shuffle() {
  config::RouterSettings s;
  s.routing_strategy = "simple-shuffle";
  return s;
}

HealthPolicy policy() { return HealthPolicy{3, 5000, 60'000, false}; }

}  // namespace

TEST_CASE("health: a failure with a Retry-After cools for that long, capped by max_retry_after") {
  DeploymentState s;
  const int64_t now = canonical::steady_ms();
  CHECK(record_attempt(s, policy(), AttemptEnd{false, true, 2000, false, false}) == 2000);
  CHECK(s.blocked_until(now) >= now + 1900);
  DeploymentState t;
  CHECK(record_attempt(t, policy(), AttemptEnd{false, true, 99'999'999, false, false}) == 60'000);
}

TEST_CASE("health: allowed_fails failures cool a deployment only when something can stand in") {
  DeploymentState alone, pooled;
  for (int i = 0; i < 3; ++i) {
    CHECK(record_attempt(alone, policy(), AttemptEnd{false, true, -1, false, false}) == 0);
    const int64_t cooled = record_attempt(pooled, policy(), AttemptEnd{false, true, -1, false, true});
    CHECK(cooled == (i == 2 ? 5000 : 0));
  }
  const int64_t now = canonical::steady_ms();
  CHECK(alone.blocked_until(now) == 0);
  CHECK(pooled.blocked_until(now) > now);
}

TEST_CASE("health: disable_cooldowns never cools; a success resets the failure count") {
  HealthPolicy off = policy();
  off.disable_cooldowns = true;
  DeploymentState s;
  for (int i = 0; i < 5; ++i) CHECK(record_attempt(s, off, AttemptEnd{false, true, 3000, false, true}) == 0);
  DeploymentState t;
  record_attempt(t, policy(), AttemptEnd{false, true, -1, false, true});
  record_attempt(t, policy(), AttemptEnd{false, true, -1, false, true});
  record_attempt(t, policy(), AttemptEnd{true, false, -1, false, true});
  CHECK(record_attempt(t, policy(), AttemptEnd{false, true, -1, false, true}) == 0);  // count restarted
}

TEST_CASE("health: choose skips cooling deployments, prefers untried ones, reports the soonest return") {
  loader::Registry empty;
  Router router(shuffle(), empty);
  FakePool p({1, 1, 1});
  const int64_t now = canonical::steady_ms();
  p[0].state.cool_until(now + 10'000);
  std::vector<const FakeDeployment*> tried{&p[1]};
  bool probe = true;
  int64_t soonest = -1;
  for (int i = 0; i < 50; ++i) {
    FakeDeployment* d = choose(router, p.pool(), tried, false, 1000, &probe, &soonest);
    CHECK(d == &p[2]);  // p0 cools, p1 was tried
    CHECK_FALSE(probe);
  }
  CHECK(soonest > 9000);
  CHECK(soonest <= 10'000);
  p[2].state.cool_until(now + 10'000);
  CHECK(choose(router, p.pool(), tried, false, 1000, &probe, &soonest) == &p[1]);  // tried, but healthy
  p[1].state.cool_until(now + 10'000);
  CHECK(choose(router, p.pool(), tried, false, 1000, &probe, &soonest) == nullptr);
}

TEST_CASE("health: a deployment whose cooldown ended is one call's half-open probe") {
  loader::Registry empty;
  Router router(shuffle(), empty);
  FakePool p({1});
  p[0].state.cool_until(canonical::steady_ms() + 1);
  std::vector<const FakeDeployment*> tried;
  bool probe = false;
  int64_t soonest = -1;
  while (canonical::steady_ms() <= p[0].state.cooldown_until_ms.load()) {
  }
  CHECK(choose(router, p.pool(), tried, false, 5000, &probe, &soonest) == &p[0]);
  CHECK(probe);
  bool second = false;
  CHECK(choose(router, p.pool(), tried, false, 5000, &second, &soonest) == nullptr);  // held off by the probe
  CHECK(record_attempt(p[0].state, policy(), AttemptEnd{false, false, -1, true, false}) == 0);  // probe answered
  CHECK(choose(router, p.pool(), tried, false, 5000, &second, &soonest) == &p[0]);
  CHECK_FALSE(second);
}

TEST_CASE("health: choose decides at the caller's reading of the clock when given one") {
  loader::Registry empty;
  Router router(shuffle(), empty);
  FakePool p({1});
  const int64_t now = canonical::steady_ms();
  p[0].state.cool_until(now + 10'000);
  std::vector<const FakeDeployment*> tried;
  bool probe = false;
  int64_t soonest = -1;
  // At the caller's `now` the deployment still cools, 10 s from its return.
  CHECK(choose(router, p.pool(), tried, false, 1000, &probe, &soonest, now) == nullptr);
  CHECK(soonest == 10'000);
  // A reading past the cooldown: the deployment is that call's half-open probe, though the
  // clock itself has not got there.
  soonest = -1;
  CHECK(choose(router, p.pool(), tried, false, 1000, &probe, &soonest, now + 10'001) == &p[0]);
  CHECK(probe);
  CHECK(soonest == -1);
}

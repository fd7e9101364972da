// least-busy: the fewest calls in flight, ties at random.
#include "router_fixture.hpp"

using namespace llmgw::router_builtin::test;

TEST_CASE("least-busy: always the deployment with the fewest calls in flight", "[least-busy]") {
  auto r = router("least-busy");
  CandidateList c{idle_candidate("a"), idle_candidate("b"), idle_candidate("c")};
  c[0].in_flight = 4;
  c[1].in_flight = 1;
  c[2].in_flight = 7;
  const auto counts = r->histogram(c, 500);
  CHECK(counts == std::vector<int>{0, 500, 0});
}

TEST_CASE("least-busy: ties are broken at random, among the tied only", "[least-busy]") {
  auto r = router("least-busy");
  CandidateList c{idle_candidate("a"), idle_candidate("b"), idle_candidate("c"), idle_candidate("d")};
  c[0].in_flight = 2;
  c[1].in_flight = 2;
  c[2].in_flight = 3;
  c[3].in_flight = 2;
  const auto s = shares(*r, c, 9000);
  CHECK(s[0] == Approx(1.0 / 3).margin(0.03));
  CHECK(s[1] == Approx(1.0 / 3).margin(0.03));
  CHECK(s[2] == 0);
  CHECK(s[3] == Approx(1.0 / 3).margin(0.03));
}

TEST_CASE("least-busy: weights, latency and usage do not matter", "[least-busy]") {
  auto r = router("least-busy");
  CandidateList c{idle_candidate("heavy"), idle_candidate("idle")};
  c[0].weight = 100;
  c[0].ewma_latency_ms = 1;
  c[0].in_flight = 1;
  c[1].ewma_latency_ms = 9000;
  CHECK(r->histogram(c, 200) == std::vector<int>{0, 200});
}

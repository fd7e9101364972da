// simple-shuffle / weighted: random in proportion to weight.
#include "router_fixture.hpp"

using namespace llmgw::router_builtin::test;

TEST_CASE("weighted: picks land in proportion to the weights", "[weighted]") {
  for (const char* name : {"simple-shuffle", "weighted"}) {
    INFO(name);
    auto r = router(name);
    CandidateList c{idle_candidate("a"), idle_candidate("b"), idle_candidate("c")};
    c[0].weight = 3;
    c[1].weight = 1;
    c[2].weight = 6;
    const auto s = shares(*r, c, 20000);
    CHECK(s[0] == Approx(0.3).margin(0.02));
    CHECK(s[1] == Approx(0.1).margin(0.02));
    CHECK(s[2] == Approx(0.6).margin(0.02));
  }
}

TEST_CASE("weighted: the live statistics do not matter", "[weighted]") {
  auto r = router("simple-shuffle");
  CandidateList c{idle_candidate("busy-slow"), idle_candidate("idle-fast")};
  c[0].in_flight = 50;
  c[0].ewma_latency_ms = 5000;
  c[1].ewma_latency_ms = 10;
  const auto s = shares(*r, c, 10000);
  CHECK(s[0] == Approx(0.5).margin(0.03));
}

TEST_CASE("weighted: weight 0 is never picked, unless every weight is 0", "[weighted]") {
  auto r = router("weighted");
  CandidateList c{idle_candidate("off"), idle_candidate("on"), idle_candidate("off2")};
  c[0].weight = 0;
  c[2].weight = 0;
  const auto counts = r->histogram(c, 2000);
  CHECK(counts[0] == 0);
  CHECK(counts[1] == 2000);
  CHECK(counts[2] == 0);

  c[1].weight = 0;
  const auto s = shares(*r, c, 9000);
  for (double share : s) CHECK(share == Approx(1.0 / 3).margin(0.03));
}

TEST_CASE("weighted: the same random value gives the same pick", "[weighted]") {
  auto r = router("weighted");
  CandidateList c{idle_candidate("a"), idle_candidate("b"), idle_candidate("c"), idle_candidate("d")};
  for (uint64_t seed : {1ull, 42ull, 0xFFFFFFFFFFFFFFFFull}) CHECK(pick(*r, c, seed) == pick(*r, c, seed));
}

// latency-based-routing: the lowest moving-average latency; TTFT for streams; unknown is best.
#include "router_fixture.hpp"

using namespace llmgw::router_builtin::test;

TEST_CASE("latency-based: the lowest average latency wins", "[latency]") {
  for (const char* name : {"latency-based-routing", "latency-based"}) {
    INFO(name);
    auto r = router(name);
    CandidateList c{idle_candidate("slow"), idle_candidate("fast"), idle_candidate("mid")};
    c[0].ewma_latency_ms = 900;
    c[1].ewma_latency_ms = 120;
    c[2].ewma_latency_ms = 300;
    CHECK(r->histogram(c, 300) == std::vector<int>{0, 300, 0});
  }
}

TEST_CASE("latency-based: a deployment with no latency yet is tried first", "[latency]") {
  auto r = router("latency-based-routing");
  CandidateList c{idle_candidate("known"), idle_candidate("new")};
  c[0].ewma_latency_ms = 5;
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 100});
}

TEST_CASE("latency-based: streams rank by time to first byte when it is known", "[latency]") {
  auto r = router("latency-based-routing");
  CandidateList c{idle_candidate("long-answers-fast-start"), idle_candidate("short-answers-slow-start")};
  c[0].ewma_latency_ms = 4000;
  c[0].ewma_ttft_ms = 100;
  c[1].ewma_latency_ms = 1000;
  c[1].ewma_ttft_ms = 800;
  CHECK(r->histogram(c, 100, /*stream=*/true) == std::vector<int>{100, 0});
  CHECK(r->histogram(c, 100, /*stream=*/false) == std::vector<int>{0, 100});
  c[0].ewma_ttft_ms = -1;  // no TTFT yet: its whole latency stands in
  CHECK(r->histogram(c, 100, /*stream=*/true) == std::vector<int>{0, 100});
}

TEST_CASE("latency-based: lowest_latency_buffer spreads over those within the buffer", "[latency]") {
  auto r = router("latency-based-routing", R"({"lowest_latency_buffer": 0.5})");
  CandidateList c{idle_candidate("100ms"), idle_candidate("140ms"), idle_candidate("151ms")};
  c[0].ewma_latency_ms = 100;
  c[1].ewma_latency_ms = 140;
  c[2].ewma_latency_ms = 151;
  const auto s = shares(*r, c, 10000);
  CHECK(s[0] == Approx(0.5).margin(0.03));
  CHECK(s[1] == Approx(0.5).margin(0.03));
  CHECK(s[2] == 0);
}

TEST_CASE("latency-based: equal latencies share the traffic", "[latency]") {
  auto r = router("latency-based-routing");
  CandidateList c{idle_candidate("a"), idle_candidate("b")};
  c[0].ewma_latency_ms = c[1].ewma_latency_ms = 50;
  CHECK(shares(*r, c, 6000)[0] == Approx(0.5).margin(0.03));
}

TEST_CASE("latency-based: a deployment at its rpm or tpm limit only when all are", "[latency]") {
  auto r = router("latency-based-routing");
  CandidateList c{idle_candidate("fast-but-full"), idle_candidate("slow")};
  c[0].ewma_latency_ms = 10;
  c[0].rpm_limit = 60;
  c[0].requests_this_minute = 60;
  c[1].ewma_latency_ms = 500;
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 100});
  c[1].tpm_limit = 1000;
  c[1].tokens_this_minute = 1200;
  CHECK(r->histogram(c, 100) == std::vector<int>{100, 0});
}

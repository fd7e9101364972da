// usage-based-routing(-v2): the most rpm / tpm headroom this minute.
#include "router_fixture.hpp"

using namespace llmgw::router_builtin::test;

TEST_CASE("usage-based: the deployment with the lowest used fraction of its limits", "[usage]") {
  for (const char* name : {"usage-based-routing", "usage-based-routing-v2", "usage-based"}) {
    INFO(name);
    auto r = router(name);
    CandidateList c{idle_candidate("half-used"), idle_candidate("tenth-used"), idle_candidate("tpm-heavy")};
    c[0].rpm_limit = 100;
    c[0].requests_this_minute = 50;
    c[1].rpm_limit = 1000;
    c[1].requests_this_minute = 100;  // more requests, but more headroom
    c[2].rpm_limit = 1000;
    c[2].requests_this_minute = 1;
    c[2].tpm_limit = 10000;
    c[2].tokens_this_minute = 9000;  // the tighter of its two limits counts
    CHECK(r->histogram(c, 200) == std::vector<int>{0, 200, 0});
  }
}

TEST_CASE("usage-based: with no limits set, the fewest tokens then requests this minute", "[usage]") {
  auto r = router("usage-based-routing-v2");
  CandidateList c{idle_candidate("a"), idle_candidate("b"), idle_candidate("c")};
  c[0].tokens_this_minute = 5000;
  c[1].tokens_this_minute = 1200;
  c[2].tokens_this_minute = 1200;
  c[2].requests_this_minute = 3;
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 100, 0});
  c[1].requests_this_minute = 3;  // a full tie: random between b and c
  const auto s = shares(*r, c, 6000);
  CHECK(s[0] == 0);
  CHECK(s[1] == Approx(0.5).margin(0.03));
}

TEST_CASE("usage-based: a deployment at its limit is skipped while another has room", "[usage]") {
  auto r = router("usage-based-routing");
  CandidateList c{idle_candidate("full"), idle_candidate("room")};
  c[0].tpm_limit = 1000;
  c[0].tokens_this_minute = 1000;
  c[1].tpm_limit = 1000;
  c[1].tokens_this_minute = 990;
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 100});
}

TEST_CASE("usage-based: when every deployment is at its limit, the one least over it", "[usage]") {
  auto r = router("usage-based-routing");
  CandidateList c{idle_candidate("far-over"), idle_candidate("just-at")};
  c[0].rpm_limit = 10;
  c[0].requests_this_minute = 30;
  c[1].rpm_limit = 10;
  c[1].requests_this_minute = 10;
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 100});
}

// cost-based-routing: the lowest input + output price; unpriced deployments last.
#include "router_fixture.hpp"

using namespace llmgw::router_builtin::test;

namespace {
llmgw_candidate priced(const char* id, double in, double out) {
  llmgw_candidate c = idle_candidate(id);
  c.input_price_per_mtok = in;
  c.output_price_per_mtok = out;
  return c;
}
}  // namespace

TEST_CASE("cost-based: the lowest input + output price wins", "[cost]") {
  for (const char* name : {"cost-based-routing", "cost-based"}) {
    INFO(name);
    auto r = router(name);
    // 2.5 + 10 = 12.5; 0.15 + 0.6 = 0.75; 0.1 + 5 = 5.1 (cheapest input, not cheapest total)
    CandidateList c{priced("gpt-4o", 2.5, 10), priced("mini", 0.15, 0.6), priced("odd", 0.1, 5)};
    CHECK(r->histogram(c, 200) == std::vector<int>{0, 200, 0});
  }
}

TEST_CASE("cost-based: an unpriced deployment comes after every priced one", "[cost]") {
  auto r = router("cost-based-routing");
  CandidateList c{idle_candidate("unknown"), priced("expensive", 30, 60)};
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 100});
  // One price known: the other counts as 0.
  CandidateList d{priced("input-only", 1, -1), priced("both", 0.5, 1)};
  CHECK(r->histogram(d, 100) == std::vector<int>{100, 0});
  // Nothing priced: all tie, at random.
  CandidateList e{idle_candidate("x"), idle_candidate("y")};
  CHECK(shares(*r, e, 6000)[0] == Approx(0.5).margin(0.03));
}

TEST_CASE("cost-based: equal prices share the traffic; a deployment at its limit waits", "[cost]") {
  auto r = router("cost-based-routing");
  CandidateList c{priced("a", 1, 2), priced("b", 1, 2), priced("c", 5, 5)};
  const auto s = shares(*r, c, 6000);
  CHECK(s[0] == Approx(0.5).margin(0.03));
  CHECK(s[2] == 0);
  c[0].rpm_limit = c[1].rpm_limit = 10;
  c[0].requests_this_minute = c[1].requests_this_minute = 10;
  CHECK(r->histogram(c, 100) == std::vector<int>{0, 0, 100});
}

// The descriptor, the names router-builtin accepts, and create()'s errors and warnings.
#include "router_fixture.hpp"

#include <llmgw/plugin.hpp>

#include <sstream>

using namespace llmgw::router_builtin::test;
using Catch::Matchers::Contains;

namespace {
const llmgw_router_vtable& vt() { return llmgw::testing::router_vtable(llmgw_plugin_entry_v1()); }
}  // namespace

TEST_CASE("descriptor: a router plugin built for this ABI, with every hook", "[config]") {
  const llmgw_plugin* d = llmgw_plugin_entry_v1();
  CHECK(d->kind == LLMGW_KIND_ROUTER);
  CHECK(std::string(d->name) == "router-builtin");
  CHECK(std::string(d->build_signature) == LLMGW_BUILD_SIGNATURE);
  CHECK(vt().struct_size == sizeof(llmgw_router_vtable));
  CHECK(vt().create != nullptr);
  CHECK(vt().destroy != nullptr);
  CHECK(vt().pick != nullptr);
}

TEST_CASE("strategy_names lists LiteLLM's routing_strategy values and the short forms", "[config]") {
  std::istringstream in(vt().strategy_names);
  std::vector<std::string> names;
  for (std::string w; in >> w;) names.push_back(w);
  CHECK(names == std::vector<std::string>{"simple-shuffle", "weighted", "least-busy", "latency-based-routing",
                                          "latency-based", "usage-based-routing", "usage-based-routing-v2",
                                          "usage-based", "cost-based-routing", "cost-based"});
  for (const auto& n : names) {
    INFO(n);
    RouterInstance r(vt(), R"({"strategy":")" + n + R"("})");  // no args: the defaults
    CHECK(r.rc == LLMGW_OK);
    CHECK(r.error.empty());
  }
}

TEST_CASE("create refuses an unknown strategy or bad args with one line", "[config]") {
  RouterInstance unknown(vt(), R"({"strategy":"round-robin"})");
  CHECK(unknown.rc == LLMGW_BAD_ARGUMENT);
  CHECK_THAT(unknown.error, Contains("unknown strategy 'round-robin'") && Contains("least-busy"));

  RouterInstance not_json(vt(), "[1]");
  CHECK(not_json.rc == LLMGW_BAD_ARGUMENT);
  CHECK(not_json.error == "config is not a JSON object");

  RouterInstance args_not_object(vt(), R"({"strategy":"least-busy","args":[1]})");
  CHECK(args_not_object.rc == LLMGW_BAD_ARGUMENT);
  CHECK(args_not_object.error == "routing_strategy_args must be an object");

  for (const char* bad : {R"("0.5")", "-0.1"}) {
    INFO(bad);
    RouterInstance r(vt(), std::string(R"({"strategy":"latency-based-routing","args":{"lowest_latency_buffer":)") +
                               bad + "}}");
    CHECK(r.rc == LLMGW_BAD_ARGUMENT);
    CHECK(r.error == "routing_strategy_args.lowest_latency_buffer must be a number >= 0");
  }
}

TEST_CASE("args a strategy does not use are logged once at create, not refused", "[config]") {
  RouterInstance r(vt(), R"({"strategy":"latency-based-routing","args":{"ttl":3600,"lowest_latency_buffer":0.5}})");
  REQUIRE(r.rc == LLMGW_OK);
  REQUIRE(r.host.logs.size() == 1);
  CHECK(r.host.logs[0].first == LLMGW_LOG_WARN);
  CHECK_THAT(r.host.logs[0].second,
             Contains("routing_strategy_args.ttl is not used by latency-based-routing") && Contains("ignored"));

  RouterInstance s(vt(), R"({"strategy":"least-busy","args":{"lowest_latency_buffer":0.5}})");
  REQUIRE(s.rc == LLMGW_OK);
  REQUIRE(s.host.logs.size() == 1);
  CHECK_THAT(s.host.logs[0].second, Contains("lowest_latency_buffer is not used by least-busy"));
}

TEST_CASE("a pick over no candidates fails (the core never asks one)", "[config]") {
  auto r = router("least-busy");
  CHECK(r->pick({}, 1).rc == LLMGW_ERROR);
}

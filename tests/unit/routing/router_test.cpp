// routing::Router: strategy lookup at start-up, picks through the built router-builtin plugin,
// the core's own simple-shuffle, and the weighted fallback when a plugin fails a pick.
#include <catch2/catch.hpp>

#include <string>

#include "loader/registry.hpp"
#include "routing/router.hpp"
#include "routing_fixture.hpp"

using namespace llmgw;
using namespace llmgw::routing;
using namespace llmgw::routing::test;
using llmgw::canonical::unix_ms;
using Catch::Matchers::Contains;

namespace {

config::RouterSettings settings(std::string strategy, std::string args = "{}") {
  config::RouterSettings s;
  s.routing_strategy = std::move(strategy);
  s.routing_strategy_args_json = std::move(args);
  return s;
}

std::string test_plugin(const char* variant) {
  return std::string(LLMGW_ROUTING_TEST_PLUGINS) + "/router-test-" + variant + ".so";
}

/// A registry with router-builtin loaded.
struct Loaded {
  loader::Registry registry;
  Loaded() { registry.load(LLMGW_ROUTER_BUILTIN, "", {}); }
};

std::vector<int> histogram(Router& r, const FakePool& p, int rounds, bool stream = false) {
  std::vector<int> n(p.pool().size(), 0);
  for (int i = 0; i < rounds; ++i) {
    const std::size_t k = r.pick(p.pool(), stream);
    REQUIRE(k < n.size());
    ++n[k];
  }
  return n;
}

}  // namespace

TEST_CASE("simple-shuffle with no router plugin loaded: the core's weighted pick") {
  loader::Registry empty;
  Router r(settings("simple-shuffle"), empty);
  CHECK(r.plugin() == nullptr);
  FakePool p({3, 1});
  const auto n = histogram(r, p, 8000);
  CHECK(n[0] / 8000.0 == Approx(0.75).margin(0.03));
}

TEST_CASE("any other strategy with no plugin implementing it stops start-up with one line") {
  loader::Registry empty;
  CHECK_THROWS_WITH(Router(settings("least-busy"), empty),
                    "router_settings.routing_strategy least-busy: no loaded router plugin implements it "
                    "(load router-builtin: plugins.load: [router-builtin], or the plugin that provides it)");
}

TEST_CASE("with router-builtin loaded, simple-shuffle goes through it, by weight") {
  Loaded l;
  Router r(settings("simple-shuffle"), l.registry);
  REQUIRE(r.plugin() != nullptr);
  CHECK(r.plugin()->plugin().name() == "router-builtin");
  FakePool p({1, 3});
  const auto n = histogram(r, p, 8000);
  CHECK(n[1] / 8000.0 == Approx(0.75).margin(0.03));
  CHECK(r.fallbacks() == 0);
}

TEST_CASE("least-busy through the plugin reads in_flight from the live state") {
  Loaded l;
  Router r(settings("least-busy"), l.registry);
  FakePool p({1, 1, 1});
  p[0].state.in_flight = 5;
  p[1].state.in_flight = 2;
  p[2].state.in_flight = 9;
  CHECK(histogram(r, p, 200) == std::vector<int>{0, 200, 0});
  p[1].state.in_flight = 10;
  CHECK(histogram(r, p, 200) == std::vector<int>{200, 0, 0});
}

TEST_CASE("latency-based through the plugin: EWMA latency, TTFT for streams") {
  Loaded l;
  Router r(settings("latency-based-routing"), l.registry);
  FakePool p({1, 1});
  p[0].state.ewma_latency_us = 900'000;
  p[0].state.ewma_ttft_us = 50'000;
  p[1].state.ewma_latency_us = 300'000;
  p[1].state.ewma_ttft_us = 250'000;
  CHECK(histogram(r, p, 100, /*stream=*/false) == std::vector<int>{0, 100});
  CHECK(histogram(r, p, 100, /*stream=*/true) == std::vector<int>{100, 0});
}

TEST_CASE("usage-based and cost-based through the plugin: limits and prices from config") {
  Loaded l;
  Router usage(settings("usage-based-routing-v2"), l.registry);
  FakePool p({1, 1});
  p[0].cfg.rpm = 2;
  p[1].cfg.rpm = 100;
  const int64_t now = unix_ms();
  p[0].state.on_start(now);
  p[0].state.on_start(now);  // at its limit
  CHECK(histogram(usage, p, 100) == std::vector<int>{0, 100});

  Router cost(settings("cost-based-routing"), l.registry);
  p[0].cfg.input_cost_per_token = 1e-7;
  p[0].cfg.output_cost_per_token = 4e-7;
  p[1].cfg.input_cost_per_token = 1e-6;
  p[1].cfg.output_cost_per_token = 2e-6;
  p[0].cfg.rpm = 0;  // no limit: the cheaper one wins
  CHECK(histogram(cost, p, 100) == std::vector<int>{100, 0});
}

TEST_CASE("routing_strategy_args reach the plugin; its create error names plugin and strategy") {
  Loaded l;
  CHECK_NOTHROW(Router(settings("latency-based-routing", R"({"lowest_latency_buffer": 0.2})"), l.registry));
  CHECK_THROWS_WITH(Router(settings("latency-based-routing", R"({"lowest_latency_buffer": "x"})"), l.registry),
                    "plugin router-builtin: routing_strategy latency-based-routing: "
                    "routing_strategy_args.lowest_latency_buffer must be a number >= 0");
}

TEST_CASE("a failed pick (error status or index out of range) is answered by weight and counted") {
  loader::Registry registry;
  registry.load(test_plugin("fails"), "", {});
  for (const char* strategy : {"always-fails", "out-of-range"}) {
    INFO(strategy);
    Router r(settings(strategy), registry);
    FakePool p({0, 1, 0});
    CHECK(histogram(r, p, 50) == std::vector<int>{0, 50, 0});
    CHECK(r.fallbacks() == 50);
    FakePool one({1});
    CHECK(r.pick(one.pool(), false) == 0);
    CHECK(r.fallbacks() == 50);  // a pool of one never asks the plugin
  }
}

TEST_CASE("two router plugins may not implement the same strategy") {
  Loaded l;
  try {
    l.registry.load(test_plugin("clash"), "", {});
    FAIL("the clashing plugin loaded");
  } catch (const loader::PluginError& e) {
    CHECK_THAT(e.what(), Contains("plugin router-test-clash (") &&
                             Contains("routing strategy least-busy is already implemented by plugin router-builtin"));
  }
  CHECK(l.registry.router_for("least-busy")->name() == "router-builtin");
}

TEST_CASE("a router plugin must name at least one strategy") {
  loader::Registry registry;
  CHECK_THROWS_WITH(registry.load(test_plugin("nameless"), "", {}),
                    Contains("plugin router-test-nameless (") && Contains("strategy_names is empty"));
}

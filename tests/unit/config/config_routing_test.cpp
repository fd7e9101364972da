// router_settings.routing_strategy / routing_strategy_args, and the per-deployment numbers the
// strategies route by (weight, rpm, tpm, token prices).
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;
using Catch::Matchers::Contains;

namespace {
/// Warnings about router_settings (a file with no model_list also warns about that).
std::size_t routing_warnings(const Config& cfg) {
  std::size_t n = 0;
  for (const auto& w : cfg.warnings) n += w.find("router_settings") != std::string::npos;
  return n;
}
}  // namespace

TEST_CASE("routing_strategy defaults to simple-shuffle with no args", "[config][routing]") {
  const Config cfg = load("model_list: []\n");
  CHECK(cfg.router.routing_strategy == "simple-shuffle");
  CHECK(cfg.router.routing_strategy_args_json == "{}");
}

TEST_CASE("routing_strategy takes LiteLLM's values as written", "[config][routing]") {
  for (const char* name : {"simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing",
                           "usage-based-routing-v2", "cost-based-routing", "my-own-strategy"}) {
    INFO(name);
    const Config cfg = load(std::string("router_settings:\n  routing_strategy: ") + name + "\n");
    CHECK(cfg.router.routing_strategy == name);
    CHECK(routing_warnings(cfg) == 0);
  }
}

TEST_CASE("routing_strategy_args becomes the JSON object handed to the router plugin", "[config][routing]") {
  const Config cfg = load(R"(router_settings:
  routing_strategy: latency-based-routing
  routing_strategy_args:
    lowest_latency_buffer: 0.5
    ttl: 3600
    name: fast
    enabled: true
    tiers: [1, 2]
    nested: {a: null}
)");
  CHECK(cfg.router.routing_strategy == "latency-based-routing");
  CHECK(cfg.router.routing_strategy_args_json ==
        R"({"lowest_latency_buffer":0.5,"ttl":3600,"name":"fast","enabled":true,"tiers":[1,2],"nested":{"a":null}})");
  CHECK(routing_warnings(cfg) == 0);
}

TEST_CASE("routing_strategy and its args are refused when they have the wrong shape", "[config][routing]") {
  CHECK_THAT(error_of("router_settings:\n  routing_strategy: [least-busy]\n"),
             Contains("test.yaml:2") && Contains("router_settings.routing_strategy"));
  CHECK_THAT(error_of("router_settings:\n  routing_strategy_args: [1, 2]\n"),
             Contains("test.yaml:2") && Contains("router_settings.routing_strategy_args"));
}

TEST_CASE("weight, rpm, tpm and token prices per deployment", "[config][routing]") {
  const Config cfg = load(R"(model_list:
  - model_name: pool
    litellm_params:
      model: openai/a
      weight: 3
      rpm: 60
      tpm: 90000
      input_cost_per_token: 0.0000025
      output_cost_per_token: 0.00001
  - model_name: pool
    litellm_params:
      model: openai/b
    model_info:
      input_cost_per_token: 0.00000015
      output_cost_per_token: 0.0000006
)");
  REQUIRE(cfg.deployments.size() == 2);
  const auto& a = cfg.deployments[0];
  CHECK(a.weight == 3);
  CHECK(a.rpm == 60);
  CHECK(a.tpm == 90000);
  CHECK(a.input_cost_per_token == Approx(2.5e-6));
  CHECK(a.output_cost_per_token == Approx(1e-5));
  const auto& b = cfg.deployments[1];
  CHECK(b.weight == -1);  // not given: the gateway weighs the pool (rpm, tpm or evenly)
  CHECK(b.rpm == 0);
  CHECK(b.tpm == 0);
  CHECK(b.input_cost_per_token == Approx(1.5e-7));
  CHECK(b.output_cost_per_token == Approx(6e-7));
}

TEST_CASE("a deployment's prices are kept as the text written; litellm_params win over model_info",
          "[config][pricing]") {
  const Config cfg = load(R"(general_settings:
  max_budget_reservation: 0.25
  budget_enforcement: cut
model_list:
  - model_name: mine
    litellm_params:
      model: openai/gpt-4o
      input_cost_per_token: 3.3e-7
      cache_read_input_token_cost: "0.000000125"
    model_info:
      input_cost_per_token: 0.5
      output_cost_per_token: 0.0000100000000000000001
      cache_creation_input_token_cost: 0.00000375
      output_cost_per_reasoning_token: 0.00002
)");
  REQUIRE(cfg.deployments.size() == 1);
  const auto& p = cfg.deployments[0].price_text;
  CHECK(p.input == "3.3e-7");
  CHECK(p.output == "0.0000100000000000000001");  // a double would not keep it
  CHECK(p.cache_read == "0.000000125");
  CHECK(p.cache_write == "0.00000375");
  CHECK(p.reasoning == "0.00002");
  CHECK(cfg.deployments[0].input_cost_per_token == Approx(3.3e-7));
  CHECK(cfg.max_budget_reservation == "0.25");
  CHECK(cfg.budget_enforcement == "cut");
}

TEST_CASE("budget settings refuse what they cannot mean", "[config][pricing]") {
  CHECK_THROWS_WITH(load("general_settings:\n  budget_enforcement: sometimes\n"),
                    Contains("general_settings.budget_enforcement") && Contains("\"finish\" or \"cut\""));
  CHECK_THROWS_WITH(load("general_settings:\n  max_budget_reservation: -1\n"),
                    Contains("general_settings.max_budget_reservation"));
  CHECK_THROWS_WITH(load("model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/a\n"
                         "      output_cost_per_token: cheap\n"),
                    Contains("output_cost_per_token"));
  const Config def = load("model_list: []\n");
  CHECK(def.budget_enforcement == "finish");
  CHECK(def.max_budget_reservation.empty());
}

// fill_candidate: what a router plugin sees of a deployment's config and live state.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "routing/candidate.hpp"
#include "routing_fixture.hpp"

using namespace llmgw::routing;
using namespace llmgw::routing::test;
using llmgw::canonical::unix_ms;

TEST_CASE("a new deployment: weight, limits and prices from config, statistics unknown or zero") {
  FakeDeployment d;
  d.cfg.id = "gpt-4o#1";
  d.cfg.weight = 3;
  d.cfg.rpm = 60;
  d.cfg.tpm = 100000;
  d.cfg.input_cost_per_token = 2.5e-6;
  llmgw_candidate c;
  std::memset(&c, 0x5A, sizeof c);
  fill_candidate(c, d.cfg, d.state, unix_ms());
  CHECK(c.struct_size == sizeof(llmgw_candidate));
  CHECK(std::string(c.deployment_id.ptr, c.deployment_id.len) == "gpt-4o#1");
  CHECK(c.deployment_id.ptr == d.cfg.id.data());  // a view, not a copy
  CHECK(c.weight == 3);
  CHECK(c.in_flight == 0);
  CHECK(c.ewma_latency_ms == -1);
  CHECK(c.ewma_ttft_ms == -1);
  CHECK(c.requests_this_minute == 0);
  CHECK(c.tokens_this_minute == 0);
  CHECK(c.rpm_limit == 60);
  CHECK(c.tpm_limit == 100000);
  CHECK(c.recent_failures == 0);
  CHECK(c.input_price_per_mtok == Approx(2.5));
  CHECK(c.output_price_per_mtok == -1);
}

TEST_CASE("live statistics: in flight, averages in ms, this minute's usage, failures") {
  FakeDeployment d;
  d.cfg.weight = -4;  // never negative across the ABI
  const int64_t now = unix_ms();
  d.state.on_start(now);
  d.state.on_start(now);
  d.state.on_start(now);
  d.state.on_end(250'000, 1200, /*failed=*/false, now);
  d.state.on_first_byte(40'000);
  d.state.on_end(1'000, 0, /*failed=*/true, now);
  llmgw_candidate c{};
  fill_candidate(c, d.cfg, d.state, now);
  CHECK(c.weight == 0);
  CHECK(c.in_flight == 1);
  // The failure counts as a 10 s call: 250 ms + (10 s - 250 ms) / 8.
  CHECK(c.ewma_latency_ms == Approx(250.0 + (10'000.0 - 250.0) / 8));
  CHECK(c.ewma_ttft_ms == Approx(40.0));
  CHECK(c.requests_this_minute == 3);
  CHECK(c.tokens_this_minute == 1200);
  CHECK(c.recent_failures == 1);

  llmgw_candidate next_minute{};
  fill_candidate(next_minute, d.cfg, d.state, now + 60'000);
  CHECK(next_minute.requests_this_minute == 0);
  CHECK(next_minute.tokens_this_minute == 0);
}

// record_request_metrics: what a request adds shows in the rendered exposition, per (route,
// alias, deployment, status), also when many label sets share the per-thread series cache.
#include <catch2/catch.hpp>

#include <string>

#include "pipeline/call_context.hpp"
#include "pipeline/model_table.hpp"
#include "telemetry/request_metrics.hpp"

using llmgw::telemetry::RequestFacts;
using llmgw::telemetry::Route;

namespace {

/// The value of the exposition line that starts with `series` ("name{labels}"), or -1.
double value_of(const std::string& text, const std::string& series) {
  const std::size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

std::string render() {
  std::string out;
  llmgw::telemetry::render_request_metrics(out);
  return out;
}

}  // namespace

TEST_CASE("requests, tokens and latency are counted per label set", "[request_metrics]") {
  llmgw::pipeline::Deployment d;
  d.cfg.id = "dep-rm-1";
  RequestFacts f;
  f.route = Route::Messages;
  f.alias = "rm-alias";
  f.deployment = &d;
  f.status = 200;
  f.attempts = 1;
  f.latency_us = 3000;
  f.usage.prompt_tokens = 10;
  f.usage.completion_tokens = 4;
  for (int i = 0; i < 3; ++i) llmgw::telemetry::record_request_metrics(f);
  f.status = 429;
  llmgw::telemetry::record_request_metrics(f);
  const std::string text = render();
  CHECK(value_of(text, R"(llmgw_requests_total{route="/v1/messages",alias="rm-alias",deployment="dep-rm-1",status="200"})") == 3);
  CHECK(value_of(text, R"(llmgw_requests_total{route="/v1/messages",alias="rm-alias",deployment="dep-rm-1",status="429"})") == 1);
  CHECK(value_of(text, R"(llmgw_tokens_total{alias="rm-alias",deployment="dep-rm-1",kind="input"})") == 40);
  CHECK(value_of(text, R"(llmgw_tokens_total{alias="rm-alias",deployment="dep-rm-1",kind="output"})") == 16);
  CHECK(value_of(text, R"(llmgw_request_duration_seconds_count{route="/v1/messages",alias="rm-alias"})") == 4);
  CHECK(value_of(text, R"(llmgw_request_duration_seconds_bucket{route="/v1/messages",alias="rm-alias",le="0.005"})") == 4);
}

// Before the case that fills the series tables: a histogram that finds no room is not written.
TEST_CASE("cache, spend, upstream errors by class, retries, fallbacks, cooldowns, token kinds, overhead, in flight",
          "[request_metrics]") {
  llmgw::pipeline::Deployment primary, other;
  primary.cfg.id = "dep-rm-3a";
  other.cfg.id = "dep-rm-3b";
  // Three attempts: a 429 that cooled the primary, a retry on it that failed transiently, then a
  // fallback alias's deployment that answered. 3 ms + 2 ms + 4 ms upstream of a 12 ms request.
  std::vector<llmgw::pipeline::AttemptTrace> log(3);
  log[0].deployment = &primary;
  log[0].status = 429;
  log[0].error_class = LLMGW_ERR_RATE_LIMITED;
  log[0].cooled = true;
  log[0].duration_us = 3000;
  log[1].deployment = &primary;
  log[1].status = 503;
  log[1].error_class = LLMGW_ERR_TRANSIENT;
  log[1].retry = true;
  log[1].duration_us = 2000;
  log[2].deployment = &other;
  log[2].status = 200;
  log[2].fallback = true;
  log[2].duration_us = 4000;
  RequestFacts f;
  f.route = Route::Embeddings;  // the overhead histogram is per route: no other case here uses this one
  f.alias = "rm-cache";
  f.deployment = &other;
  f.status = 200;
  f.attempts = 3;
  f.attempt_log = &log;
  f.latency_us = 12000;
  f.cache_requested = true;
  f.usage.prompt_tokens = 2000;
  f.usage.completion_tokens = 50;
  f.usage.cached_tokens = 1500;
  f.usage.cache_creation_tokens = 300;
  f.usage.reasoning_tokens = 20;
  f.cost_nano_usd = 1'250'000;  // $0.00125
  llmgw::telemetry::record_request_metrics(f);
  f.usage.cached_tokens = 0;  // a call that asked for caching and silently missed
  f.usage.cache_creation_tokens = 0;
  llmgw::telemetry::record_request_metrics(f);
  f.cache_requested = false;  // one that did not ask: not in the ratio
  f.usage.cached_tokens = 1000;
  llmgw::telemetry::record_request_metrics(f);

  std::string text;
  {
    llmgw::telemetry::InFlight held(Route::Embeddings);
    text = render();
    CHECK(value_of(text, R"(llmgw_requests_in_flight{route="/v1/embeddings"})") == 1);
  }
  CHECK(value_of(render(), R"(llmgw_requests_in_flight{route="/v1/embeddings"})") == 0);

  CHECK(value_of(text, R"(llmgw_prompt_cache_input_tokens_total{alias="rm-cache"})") == 4000);
  CHECK(value_of(text, R"(llmgw_prompt_cache_read_tokens_total{alias="rm-cache"})") == 1500);
  CHECK(value_of(text, R"(llmgw_prompt_cache_hit_ratio{alias="rm-cache"})") == Approx(0.375));
  CHECK(value_of(text, R"(llmgw_spend_usd_total{alias="rm-cache",deployment="dep-rm-3b"})") == Approx(0.00375));
  CHECK(value_of(text, R"(llmgw_tokens_total{alias="rm-cache",deployment="dep-rm-3b",kind="cache_read"})") == 2500);
  CHECK(value_of(text, R"(llmgw_tokens_total{alias="rm-cache",deployment="dep-rm-3b",kind="cache_write"})") == 300);
  CHECK(value_of(text, R"(llmgw_tokens_total{alias="rm-cache",deployment="dep-rm-3b",kind="reasoning"})") == 60);
  CHECK(value_of(text, R"(llmgw_upstream_errors_total{deployment="dep-rm-3a",class="rate_limited"})") == 3);
  CHECK(value_of(text, R"(llmgw_upstream_errors_total{deployment="dep-rm-3a",class="transient"})") == 3);
  CHECK(value_of(text, R"(llmgw_upstream_errors_total{deployment="dep-rm-3b",class="transient"})") == -1);
  CHECK(value_of(text, R"(llmgw_cooldowns_total{deployment="dep-rm-3a"})") == 3);
  CHECK(value_of(text, R"(llmgw_retries_total{alias="rm-cache"})") == 3);
  CHECK(value_of(text, R"(llmgw_fallbacks_total{alias="rm-cache"})") == 3);
  // Overhead: 12 ms minus 9 ms upstream = 3 ms, three times: in the 5 ms bucket, not the 2.5 ms one.
  CHECK(value_of(text, R"(llmgw_gateway_overhead_seconds_bucket{route="/v1/embeddings",le="0.0025"})") == 0);
  CHECK(value_of(text, R"(llmgw_gateway_overhead_seconds_bucket{route="/v1/embeddings",le="0.005"})") == 3);
  CHECK(value_of(text, R"(llmgw_gateway_overhead_seconds_bucket{route="/v1/embeddings",le="+Inf"})") == 3);
  CHECK(value_of(text, R"(llmgw_gateway_overhead_seconds_sum{route="/v1/embeddings"})") == Approx(0.009));
  CHECK(value_of(text, R"(llmgw_gateway_overhead_seconds_count{route="/v1/embeddings"})") == 3);
}

TEST_CASE("label sets that outnumber the per-thread cache are each counted exactly", "[request_metrics]") {
  llmgw::pipeline::Deployment d;
  d.cfg.id = "dep-rm-2";
  RequestFacts f;
  f.deployment = &d;
  f.status = 200;
  std::vector<std::string> aliases;
  for (int i = 0; i < 600; ++i) aliases.push_back("many-" + std::to_string(i));
  for (int round = 0; round < 3; ++round)
    for (const auto& a : aliases) {
      f.alias = a;
      f.status = 200 + round % 2;  // two statuses per label set
      llmgw::telemetry::record_request_metrics(f);
    }
  const std::string text = render();
  for (const auto& a : aliases) {
    INFO(a);
    REQUIRE(value_of(text, R"(llmgw_requests_total{route="/v1/chat/completions",alias=")" + a +
                               R"(",deployment="dep-rm-2",status="200"})") == 2);
    REQUIRE(value_of(text, R"(llmgw_requests_total{route="/v1/chat/completions",alias=")" + a +
                               R"(",deployment="dep-rm-2",status="201"})") == 1);
  }
}

TEST_CASE("a route's overhead histogram is kept when aliases have filled the per-alias table", "[request_metrics]") {
  // Runs after the 600-alias case above (Catch2 runs cases in file order): the per-alias latency
  // and TTFT series filled their table; the per-route overhead series live in their own.
  llmgw::pipeline::Deployment d;
  d.cfg.id = "dep-rm-3";
  RequestFacts f;
  f.deployment = &d;
  f.status = 200;
  f.route = Route::CountTokens;  // no other case records this route
  f.alias = "rm-route-after-many";
  f.attempts = 1;  // the overhead is recorded for calls that reached an upstream
  f.latency_us = 3000;
  llmgw::telemetry::record_request_metrics(f);
  const std::string text = render();
  CHECK(value_of(text, R"(llmgw_gateway_overhead_seconds_count{route="/v1/messages/count_tokens"})") == 1);
}

// record_request_metrics: what a request adds shows in the rendered exposition, per (route,
// alias, deployment, status), also when many label sets share the per-thread series cache.
#include <catch2/catch.hpp>

#include <string>

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

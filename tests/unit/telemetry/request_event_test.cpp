// The request event's JSON (sdk/EVENTS.md): every field, nulls, the attempt list, the trace.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <cstring>
#include <string>

#include "pipeline/model_table.hpp"
#include "telemetry/request_event.hpp"
#include "telemetry/request_facts.hpp"

using namespace llmgw;

namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string s(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

}  // namespace

TEST_CASE("a request with a failed and a good attempt") {
  pipeline::Deployment down, up;
  down.cfg.id = "gpt-4o#0";
  down.cfg.provider = "openai";
  down.cfg.model = "gpt-4o-2024";
  up.cfg.id = "gpt-4o#1";
  up.cfg.provider = "azure";
  up.cfg.model = "gpt4o-deploy";
  up.cfg.api_base = "https://user@eu.example.com:8443/openai";
  std::vector<pipeline::AttemptTrace> attempts(2);
  attempts[0].deployment = &down;
  attempts[0].alias = "gpt-4o";
  attempts[0].start_us = 1000500;
  attempts[0].duration_us = 12000;
  attempts[0].span = 0x00f067aa0ba902b7ull;
  attempts[0].status = 429;
  attempts[0].error_class = LLMGW_ERR_RATE_LIMITED;
  std::strcpy(attempts[0].error_type, "rate_limit_error");
  attempts[0].cooled = true;
  attempts[1].deployment = &up;
  attempts[1].alias = "fallback";
  attempts[1].fallback = true;
  attempts[1].start_us = 1013000;
  attempts[1].duration_us = 300000;
  attempts[1].ttft_us = 150000;
  attempts[1].span = 0x53995c3f42cd8ad8ull;
  attempts[1].status = 200;
  observe::TraceContext trace;
  REQUIRE(observe::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-1111222233334444-01", trace));
  trace.span = 0xe457b5a2e4d86bd1ull;

  telemetry::RequestFacts f;
  f.request_id = "req_0123";
  f.key_alias = "ci \"bot\"";
  f.route = telemetry::Route::Messages;
  f.dialect = LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  f.alias = "gpt-4o";
  f.deployment = &up;
  f.status = 200;
  f.stream = true;
  f.usage = llmgw_usage{sizeof(llmgw_usage), 1200, 80, 1024, -1, -1};
  f.cost_nano_usd = 1910000;
  f.start_us = 1000000;
  f.end_unix_ms = 1765000000412;
  f.latency_us = 320456;
  f.ttft_us = 150000;
  f.attempts = 2;
  f.attempt_log = &attempts;
  const std::vector<guard::GuardTiming> guardrails = {
      {"guardrail-pii", guard::GuardTarget::input, guard::GuardDecision::modify, 1000100, 42},
      {"guardrail-pii", guard::GuardTarget::stream, guard::GuardDecision::allow, 1150000, 310}};
  f.guardrails = &guardrails;
  f.trace = &trace;
  telemetry::ResponseFacts answer;
  answer.read_answer(R"({"id":"chatcmpl-7","model":"gpt-4o-2024-08-06","choices":[{"index":0,"finish_reason":"stop"}]})");
  f.response = &answer;
  f.body = R"({"model":"gpt-4o"})";
  std::string json;
  telemetry::write_request_event(f, false, json);
  const auto d = parse(json);
  CHECK(s(d["type"]) == "request");
  CHECK(d["schema_version"].GetInt() == 3);
  CHECK(s(d["response_id"]) == "chatcmpl-7");
  CHECK(s(d["response_model"]) == "gpt-4o-2024-08-06");
  REQUIRE(d["finish_reasons"].IsArray());
  REQUIRE(d["finish_reasons"].Size() == 1);
  CHECK(s(d["finish_reasons"][0]) == "stop");
  CHECK(s(d["request_id"]) == "req_0123");
  CHECK(d["time_unix_ms"].GetInt64() == 1765000000412);
  CHECK(d["start_unix_ms"].GetInt64() == 1765000000412 - 320);
  CHECK(s(d["key_alias"]) == "ci \"bot\"");
  CHECK(d["team"].IsNull());
  CHECK(s(d["route"]) == "/v1/messages");
  CHECK(s(d["client_dialect"]) == "anthropic_messages");
  CHECK(s(d["operation"]) == "chat");
  CHECK(s(d["deployment"]) == "gpt-4o#1");
  CHECK(s(d["provider"]) == "azure");
  CHECK(d["error_type"].IsNull());
  CHECK(d["error_class"].IsNull());
  CHECK(d["tokens"]["input"].GetInt() == 1200);
  CHECK(d["tokens"]["cache_read"].GetInt() == 1024);
  CHECK(d["tokens"]["cache_write"].IsNull());
  CHECK(d["cost_usd"].GetDouble() == Approx(0.00191));
  CHECK(d["latency_ms"].GetDouble() == Approx(320.456));
  CHECK(d["upstream_ms"].GetDouble() == Approx(312.0));
  CHECK(d["overhead_ms"].GetDouble() == Approx(8.456));
  CHECK(d["attempts"].GetInt() == 2);
  CHECK(d["retries"].GetInt() == 0);
  CHECK(d["fallbacks"].GetInt() == 1);
  const auto& list = d["attempt_list"];
  REQUIRE(list.Size() == 2);
  CHECK(s(list[0]["error_type"]) == "rate_limit_error");
  CHECK(s(list[0]["error_class"]) == "rate_limited");
  CHECK(list[0]["start_offset_ms"].GetDouble() == Approx(0.5));
  CHECK(list[0]["ttft_ms"].IsNull());
  CHECK(list[0]["server_address"].IsNull());
  CHECK(list[0]["cooldown"].GetBool());
  CHECK(s(list[0]["span_id"]) == "00f067aa0ba902b7");
  CHECK(s(list[1]["alias"]) == "fallback");
  CHECK(s(list[1]["server_address"]) == "eu.example.com");
  CHECK(s(d["trace"]["trace_id"]) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(s(d["trace"]["span_id"]) == "e457b5a2e4d86bd1");
  CHECK(s(d["trace"]["parent_span_id"]) == "1111222233334444");
  CHECK_FALSE(d.HasMember("request_body"));
  const auto& guards = d["guardrails"];
  REQUIRE(guards.Size() == 2);
  CHECK(s(guards[0]["name"]) == "guardrail-pii");
  CHECK(s(guards[0]["target"]) == "input");
  CHECK(s(guards[0]["decision"]) == "modify");
  CHECK(guards[0]["start_offset_ms"].GetDouble() == Approx(0.1));
  CHECK(guards[0]["duration_ms"].GetDouble() == Approx(0.042));
  CHECK(s(guards[0]["span_id"]).size() == 16);
  CHECK(s(guards[1]["target"]) == "stream");
  CHECK(s(guards[1]["decision"]) == "allow");
  CHECK(guards[1]["duration_ms"].GetDouble() == Approx(0.31));

  json.clear();
  telemetry::write_request_event(f, true, json);
  CHECK(s(parse(json)["request_body"]) == R"({"model":"gpt-4o"})");
}

TEST_CASE("a refused request: nulls, the status's error type, a new request id") {
  telemetry::RequestFacts f;
  f.status = 401;
  f.end_unix_ms = 1;
  std::string json;
  telemetry::write_request_event(f, false, json);
  const auto d = parse(json);
  CHECK(std::string(d["request_id"].GetString()).rfind("req_", 0) == 0);
  CHECK(std::string(d["request_id"].GetString()).size() == 36);
  CHECK(d["alias"].IsNull());
  CHECK(d["deployment"].IsNull());
  CHECK(s(d["error_type"]) == "authentication_error");
  CHECK(d["error_class"].IsNull());
  CHECK(d["attempt_list"].Size() == 0);
  CHECK(d["guardrails"].IsArray());
  CHECK(d["guardrails"].Size() == 0);
  CHECK(d["cost_usd"].IsNull());
  CHECK(d["tokens"]["input"].IsNull());
  CHECK(d["response_id"].IsNull());
  CHECK(d["response_model"].IsNull());
  CHECK(d["finish_reasons"].IsArray());
  CHECK(d["finish_reasons"].Size() == 0);
}


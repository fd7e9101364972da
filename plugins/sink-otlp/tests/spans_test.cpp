// Request events → OTLP spans: names, kinds, parentage, GenAI attributes and their types.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <map>
#include <string>

#include "spans.hpp"

using llmgw::sink_otlp::genai_provider;
using llmgw::sink_otlp::SpanBatch;

namespace {

const std::string kEvent = R"({"type":"request","schema_version":1,"request_id":"req_1","start_unix_ms":1765000000000,
 "time_unix_ms":1765000000412,"key_alias":"ci-bot","team":null,"route":"/v1/chat/completions",
 "client_dialect":"openai_chat","operation":"chat","alias":"gpt-4o","deployment":"gpt-4o#1",
 "provider":"bedrock","model":"anthropic.claude","status":200,"error_type":null,"error_class":null,
 "stream":true,"passthrough":false,
 "tokens":{"input":1200,"output":80,"cache_read":1024,"cache_write":null,"reasoning":7},
 "cache_requested":true,"cost_usd":null,"latency_ms":412.000,"ttft_ms":201.5,"upstream_ms":405.9,
 "overhead_ms":6.1,"attempts":2,"retries":0,"fallbacks":0,
 "attempt_list":[
  {"index":1,"alias":"gpt-4o","deployment":"gpt-4o#0","provider":"openai","model":"gpt-4o-2024",
   "server_address":null,"status":429,"error_type":"rate_limit_error","error_class":"rate_limited",
   "start_offset_ms":0.5,"duration_ms":12.0,"ttft_ms":null,"span_id":"00f067aa0ba902b7","cooldown":true},
  {"index":2,"alias":"gpt-4o","deployment":"gpt-4o#1","provider":"bedrock","model":"anthropic.claude",
   "server_address":"eu.example.com","status":200,"error_type":null,"error_class":null,
   "start_offset_ms":12.6,"duration_ms":393.7,"ttft_ms":201.5,"span_id":"53995c3f42cd8ad8","cooldown":false}],
 "trace":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"e457b5a2e4d86bd1",
          "parent_span_id":"1111222233334444","sampled":true}})";

/// attribute key → (value kind, value as text)
std::map<std::string, std::pair<std::string, std::string>> attributes(const rapidjson::Value& span) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& a : span["attributes"].GetArray()) {
    const auto& v = a["value"];
    const auto m = v.MemberBegin();
    std::string text;
    if (m->value.IsString()) text = m->value.GetString();
    else if (m->value.IsBool()) text = m->value.GetBool() ? "true" : "false";
    else if (m->value.IsNumber()) text = std::to_string(m->value.GetDouble());
    out[a["key"].GetString()] = {m->name.GetString(), text};
  }
  return out;
}

}  // namespace

TEST_CASE("one CLIENT span per request and per attempt, GenAI names and attributes") {
  SpanBatch batch;
  REQUIRE(batch.add(kEvent));
  const std::string body = batch.export_body("gw-test");
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  REQUIRE_FALSE(doc.HasParseError());
  const auto& rs = doc["resourceSpans"][0];
  CHECK(std::string(rs["resource"]["attributes"][0]["value"]["stringValue"].GetString()) == "gw-test");
  const auto& spans = rs["scopeSpans"][0]["spans"];
  REQUIRE(spans.Size() == 3);
  const auto& request = spans[0];
  CHECK(std::string(request["name"].GetString()) == "chat gpt-4o");
  CHECK(request["kind"].GetInt() == 3);
  CHECK(std::string(request["traceId"].GetString()) == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(std::string(request["spanId"].GetString()) == "e457b5a2e4d86bd1");
  CHECK(std::string(request["parentSpanId"].GetString()) == "1111222233334444");
  CHECK(std::string(request["endTimeUnixNano"].GetString()) == "1765000000412000000");
  CHECK(std::string(request["startTimeUnixNano"].GetString()) == "1765000000000000000");
  auto a = attributes(request);
  CHECK(a["gen_ai.operation.name"] == std::make_pair(std::string("stringValue"), std::string("chat")));
  CHECK(a["gen_ai.provider.name"].second == "aws.bedrock");
  CHECK(a["gen_ai.request.model"].second == "gpt-4o");
  CHECK(a["gen_ai.request.stream"] == std::make_pair(std::string("boolValue"), std::string("true")));
  CHECK(a["gen_ai.usage.input_tokens"] == std::make_pair(std::string("intValue"), std::string("1200")));
  CHECK(a["gen_ai.usage.output_tokens"].second == "80");
  CHECK(a["gen_ai.usage.cache_read.input_tokens"].second == "1024");
  CHECK(a.count("gen_ai.usage.cache_creation.input_tokens") == 0);  // null: not reported
  CHECK(a["gen_ai.usage.reasoning.output_tokens"].second == "7");
  CHECK(a["gen_ai.response.time_to_first_chunk"].first == "doubleValue");
  CHECK(a.count("error.type") == 0);
  CHECK(request["status"].ObjectEmpty());

  const auto& first = spans[1];
  CHECK(std::string(first["name"].GetString()) == "chat gpt-4o-2024");
  CHECK(std::string(first["parentSpanId"].GetString()) == "e457b5a2e4d86bd1");
  CHECK(std::string(first["spanId"].GetString()) == "00f067aa0ba902b7");
  CHECK(first["kind"].GetInt() == 3);
  auto f = attributes(first);
  CHECK(f["error.type"].second == "rate_limit_error");
  CHECK(f["gen_ai.provider.name"].second == "openai");
  CHECK(f["http.response.status_code"] == std::make_pair(std::string("intValue"), std::string("429")));
  CHECK(first["status"]["code"].GetInt() == 2);
  CHECK(f.count("gen_ai.response.id") == 0);  // schema 1: no response fields
  auto s = attributes(spans[2]);
  CHECK(s["server.address"].second == "eu.example.com");
}

TEST_CASE("schema 3: gen_ai.response.id, .model and .finish_reasons on the request span and the answering attempt's") {
  std::string event = kEvent;
  event.replace(event.find("\"tokens\":"), 0,
                R"("response_id":"msg_01","response_model":"claude-3-5","finish_reasons":["end_turn","max_tokens"],)");
  SpanBatch batch;
  REQUIRE(batch.add(event));
  const std::string body = batch.export_body("gw-test");
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  REQUIRE_FALSE(doc.HasParseError());
  const auto& spans = doc["resourceSpans"][0]["scopeSpans"][0]["spans"];
  REQUIRE(spans.Size() == 3);
  for (rapidjson::SizeType i : {0u, 2u}) {
    auto a = attributes(spans[i]);
    CHECK(a["gen_ai.response.id"] == std::make_pair(std::string("stringValue"), std::string("msg_01")));
    CHECK(a["gen_ai.response.model"] == std::make_pair(std::string("stringValue"), std::string("claude-3-5")));
    CHECK(a["gen_ai.response.finish_reasons"].first == "arrayValue");
  }
  CHECK(attributes(spans[1]).count("gen_ai.response.id") == 0);  // the failed attempt answered nothing
  const auto find = [&](const rapidjson::Value& span) -> const rapidjson::Value& {
    for (const auto& a : span["attributes"].GetArray())
      if (std::string(a["key"].GetString()) == "gen_ai.response.finish_reasons") return a["value"]["arrayValue"]["values"];
    FAIL("no finish_reasons");
    return span;
  };
  const auto& values = find(spans[0]);
  REQUIRE(values.Size() == 2);
  CHECK(std::string(values[0]["stringValue"].GetString()) == "end_turn");
  CHECK(std::string(values[1]["stringValue"].GetString()) == "max_tokens");

  // An empty list and nulls: the attributes are left out.
  std::string empty = kEvent;
  empty.replace(empty.find("\"tokens\":"), 0, R"("response_id":null,"response_model":null,"finish_reasons":[],)");
  SpanBatch b2;
  REQUIRE(b2.add(empty));
  rapidjson::Document d2;
  const std::string body2 = b2.export_body("gw-test");
  d2.Parse(body2.data(), body2.size());
  auto a2 = attributes(d2["resourceSpans"][0]["scopeSpans"][0]["spans"][0]);
  CHECK(a2.count("gen_ai.response.id") == 0);
  CHECK(a2.count("gen_ai.response.finish_reasons") == 0);
}

TEST_CASE("schema 2: one INTERNAL apply_guardrail span per guardrail run, child of the request span") {
  std::string event = kEvent;
  event.replace(event.find("\"trace\":"), 0,
                R"("guardrails":[{"name":"guardrail-pii","target":"input","decision":"modify","start_offset_ms":0.25,)"
                R"("duration_ms":0.05,"span_id":"a1a2a3a4a5a6a7a8"},{"name":"guardrail-pii","target":"stream",)"
                R"("decision":"allow","start_offset_ms":210.0,"duration_ms":0.3,"span_id":"b1b2b3b4b5b6b7b8"},)"
                R"({"name":"strict","target":"output","decision":"failed","start_offset_ms":400.0,"duration_ms":1.0,)"
                R"("span_id":"c1c2c3c4c5c6c7c8"},{"name":"no-span","target":"input","decision":"allow"}],)");
  SpanBatch batch;
  REQUIRE(batch.add(event));
  const std::string body = batch.export_body("gw-test");
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  REQUIRE_FALSE(doc.HasParseError());
  const auto& spans = doc["resourceSpans"][0]["scopeSpans"][0]["spans"];
  REQUIRE(spans.Size() == 6);  // request, two attempts, three guardrails (one without a span id skipped)
  const auto& input = spans[3];
  CHECK(std::string(input["name"].GetString()) == "apply_guardrail guardrail-pii");
  CHECK(input["kind"].GetInt() == 1);
  CHECK(std::string(input["parentSpanId"].GetString()) == "e457b5a2e4d86bd1");
  CHECK(std::string(input["spanId"].GetString()) == "a1a2a3a4a5a6a7a8");
  CHECK(std::string(input["startTimeUnixNano"].GetString()) == "1765000000000250000");
  CHECK(std::string(input["endTimeUnixNano"].GetString()) == "1765000000000300000");
  auto a = attributes(input);
  CHECK(a["gen_ai.operation.name"] == std::make_pair(std::string("stringValue"), std::string("apply_guardrail")));
  CHECK(a["gen_ai.guardian.name"].second == "guardrail-pii");
  CHECK(a["gen_ai.security.target.type"].second == "llm_input");
  CHECK(a["gen_ai.security.decision.type"].second == "modify");
  CHECK(a["llmgw.guardrail.stream"] == std::make_pair(std::string("boolValue"), std::string("false")));
  CHECK(input["status"].ObjectEmpty());
  auto st = attributes(spans[4]);
  CHECK(st["gen_ai.security.target.type"].second == "llm_output");
  CHECK(st["llmgw.guardrail.stream"].second == "true");
  const auto& failed = spans[5];
  CHECK(std::string(failed["name"].GetString()) == "apply_guardrail strict");
  auto f = attributes(failed);
  CHECK(f["gen_ai.security.decision.type"].second == "deny");
  CHECK(f["error.type"].second == "guardrail_failed");
  CHECK(failed["status"]["code"].GetInt() == 2);
}

TEST_CASE("an unsampled trace exports nothing; a bad event is refused") {
  SpanBatch batch;
  std::string unsampled = kEvent;
  unsampled.replace(unsampled.find("\"sampled\":true"), 14, "\"sampled\":false");
  CHECK_FALSE(batch.add(unsampled));
  CHECK(batch.empty());
  CHECK_THROWS(batch.add("{}"));
  CHECK_THROWS(batch.add("not json"));
  CHECK_THROWS(batch.add(R"({"type":"request","trace":{"trace_id":"XYZ","span_id":"1","sampled":true}})"));
}

TEST_CASE("provider prefixes map to gen_ai.provider.name values") {
  CHECK(genai_provider("bedrock") == "aws.bedrock");
  CHECK(genai_provider("gemini") == "gcp.gemini");
  CHECK(genai_provider("anthropic") == "anthropic");
  CHECK(genai_provider("mistral") == "mistral_ai");
  CHECK(genai_provider("ollama") == "ollama");
}

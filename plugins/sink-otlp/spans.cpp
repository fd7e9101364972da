#include "spans.hpp"

#include <llmgw/json_depth.hpp>

#include <rapidjson/document.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace llmgw::sink_otlp {
namespace {

constexpr int kSpanKindInternal = 1;  // SPAN_KIND_INTERNAL
constexpr int kSpanKindClient = 3;  // SPAN_KIND_CLIENT
constexpr int kStatusError = 2;     // STATUS_CODE_ERROR

struct StringOut {
  using Ch = char;
  std::string& s;
  void Put(char c) { s.push_back(c); }
  void Flush() {}
};
using Writer = rapidjson::Writer<StringOut>;
using Value = rapidjson::Value;

std::string_view text(const Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

/// An integer member, or -1 when null or missing.
int64_t integer(const Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : -1;
}

/// A number member, or NaN when null or missing.
double number(const Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsNumber() ? it->value.GetDouble() : std::nan("");
}

bool boolean(const Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

void str(Writer& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }

void string_attr(Writer& w, const char* key, std::string_view v) {
  if (v.empty()) return;
  w.StartObject();
  w.Key("key");
  w.String(key);
  w.Key("value");
  w.StartObject();
  w.Key("stringValue");
  str(w, v);
  w.EndObject();
  w.EndObject();
}

/// OTLP JSON: int64 values are decimal strings.
void int_attr(Writer& w, const char* key, int64_t v) {
  if (v < 0) return;
  w.StartObject();
  w.Key("key");
  w.String(key);
  w.Key("value");
  w.StartObject();
  w.Key("intValue");
  const std::string s = std::to_string(v);
  str(w, s);
  w.EndObject();
  w.EndObject();
}

void double_attr(Writer& w, const char* key, double v) {
  if (std::isnan(v)) return;
  w.StartObject();
  w.Key("key");
  w.String(key);
  w.Key("value");
  w.StartObject();
  w.Key("doubleValue");
  w.Double(v);
  w.EndObject();
  w.EndObject();
}

void bool_attr(Writer& w, const char* key, bool v) {
  w.StartObject();
  w.Key("key");
  w.String(key);
  w.Key("value");
  w.StartObject();
  w.Key("boolValue");
  w.Bool(v);
  w.EndObject();
  w.EndObject();
}

/// A string-array attribute (OTLP JSON arrayValue); left out when the event has no such array
/// or it holds no string.
void string_array_attr(Writer& w, const char* key, const Value& obj, const char* name) {
  const auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsArray()) return;
  bool any = false;
  for (const Value& v : it->value.GetArray()) any = any || v.IsString();
  if (!any) return;
  w.StartObject();
  w.Key("key");
  w.String(key);
  w.Key("value");
  w.StartObject();
  w.Key("arrayValue");
  w.StartObject();
  w.Key("values");
  w.StartArray();
  for (const Value& v : it->value.GetArray()) {
    if (!v.IsString()) continue;
    w.StartObject();
    w.Key("stringValue");
    w.String(v.GetString(), v.GetStringLength());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.EndObject();
}

/// gen_ai.response.id, .model and .finish_reasons: what the upstream's answer named (event
/// schema 3; absent before it, or when the answer named none).
void response_attrs(Writer& w, const Value& doc) {
  string_attr(w, "gen_ai.response.id", text(doc, "response_id"));
  string_attr(w, "gen_ai.response.model", text(doc, "response_model"));
  string_array_attr(w, "gen_ai.response.finish_reasons", doc, "finish_reasons");
}

void nanos(Writer& w, const char* key, int64_t ns) {
  w.Key(key);
  const std::string s = std::to_string(ns);
  str(w, s);
}

bool is_hex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

/// error.type: the event's error type, else the status code, for a failed request or attempt.
std::string error_type(const Value& obj) {
  const int64_t status = integer(obj, "status");
  if (status < 400) return {};
  const std::string_view type = text(obj, "error_type");
  return type.empty() ? std::to_string(status) : std::string(type);
}

struct SpanHead {
  std::string_view trace_id, span_id, parent_id, name_model, operation;
  int64_t start_ns, end_ns;
  int64_t status;
  int kind = kSpanKindClient;
};

void begin_span(Writer& w, const SpanHead& h) {
  w.StartObject();
  w.Key("traceId");
  str(w, h.trace_id);
  w.Key("spanId");
  str(w, h.span_id);
  if (!h.parent_id.empty()) {
    w.Key("parentSpanId");
    str(w, h.parent_id);
  }
  w.Key("name");
  const std::string name = std::string(h.operation) + " " + std::string(h.name_model);
  str(w, name);
  w.Key("kind");
  w.Int(h.kind);
  nanos(w, "startTimeUnixNano", h.start_ns);
  nanos(w, "endTimeUnixNano", h.end_ns);
}

void end_span(Writer& w, int64_t status, std::string_view error) {
  w.Key("status");
  w.StartObject();
  if (status >= 400) {
    w.Key("code");
    w.Int(kStatusError);
    w.Key("message");
    str(w, error);
  }
  w.EndObject();
  w.EndObject();
}

void common_attrs(Writer& w, std::string_view operation, std::string_view provider, const std::string& error,
                  int64_t status) {
  string_attr(w, "gen_ai.operation.name", operation);
  string_attr(w, "gen_ai.provider.name", genai_provider(provider));
  string_attr(w, "error.type", error);
  int_attr(w, "http.response.status_code", status);
}

}  // namespace

std::string_view genai_provider(std::string_view p) {
  struct Pair {
    std::string_view prefix, name;
  };
  static constexpr Pair kNames[] = {
      {"openai", "openai"}, {"azure", "azure.ai.openai"}, {"azure_ai", "azure.ai.inference"},
      {"anthropic", "anthropic"}, {"bedrock", "aws.bedrock"}, {"gemini", "gcp.gemini"},
      {"vertex_ai", "gcp.vertex_ai"}, {"mistral", "mistral_ai"}, {"cohere", "cohere"}, {"groq", "groq"},
      {"deepseek", "deepseek"}, {"perplexity", "perplexity"}, {"xai", "x_ai"}, {"ibm", "ibm.watsonx.ai"},
  };
  for (const Pair& pair : kNames)
    if (pair.prefix == p) return pair.name;
  return p;
}

bool SpanBatch::add(std::string_view event_json) {
  rapidjson::Document doc;
  if (!parse_bounded(doc, event_json).ok() || !doc.IsObject() || text(doc, "type") != "request")
    throw std::invalid_argument("not a request event");
  const auto trace_it = doc.FindMember("trace");
  if (trace_it == doc.MemberEnd() || !trace_it->value.IsObject()) throw std::invalid_argument("event without trace");
  const Value& trace = trace_it->value;
  if (!boolean(trace, "sampled")) return false;
  const std::string_view trace_id = text(trace, "trace_id"), span_id = text(trace, "span_id");
  std::string_view parent = text(trace, "parent_span_id");
  if (!is_hex(trace_id, 32) || !is_hex(span_id, 16)) throw std::invalid_argument("event with bad trace ids");
  if (!parent.empty() && !is_hex(parent, 16)) parent = {};

  const int64_t end_ns = integer(doc, "time_unix_ms") * 1000000;
  const double latency_ms = number(doc, "latency_ms");
  const int64_t start_ns = end_ns - static_cast<int64_t>((std::isnan(latency_ms) ? 0 : latency_ms) * 1e6);
  const std::string_view operation = text(doc, "operation");
  const std::string_view alias = text(doc, "alias");
  const int64_t status = integer(doc, "status");
  const std::string error = error_type(doc);

  StringOut out{spans_};
  Writer w(out);
  auto separator = [&] {
    if (!spans_.empty()) spans_.push_back(',');
  };
  separator();
  // The request span.
  begin_span(w, SpanHead{trace_id, span_id, parent, alias.empty() ? std::string_view("unknown") : alias, operation,
                         start_ns, end_ns, status});
  w.Key("attributes");
  w.StartArray();
  common_attrs(w, operation, text(doc, "provider"), error, status);
  string_attr(w, "gen_ai.request.model", alias);
  bool_attr(w, "gen_ai.request.stream", boolean(doc, "stream"));
  response_attrs(w, doc);
  const auto tokens_it = doc.FindMember("tokens");
  if (tokens_it != doc.MemberEnd() && tokens_it->value.IsObject()) {
    const Value& t = tokens_it->value;
    int_attr(w, "gen_ai.usage.input_tokens", integer(t, "input"));
    int_attr(w, "gen_ai.usage.output_tokens", integer(t, "output"));
    int_attr(w, "gen_ai.usage.cache_read.input_tokens", integer(t, "cache_read"));
    int_attr(w, "gen_ai.usage.cache_creation.input_tokens", integer(t, "cache_write"));
    int_attr(w, "gen_ai.usage.reasoning.output_tokens", integer(t, "reasoning"));
  }
  if (boolean(doc, "stream")) {
    const double ttft = number(doc, "ttft_ms");
    if (!std::isnan(ttft)) double_attr(w, "gen_ai.response.time_to_first_chunk", ttft / 1000.0);
  }
  string_attr(w, "llmgw.request_id", text(doc, "request_id"));
  string_attr(w, "llmgw.key_alias", text(doc, "key_alias"));
  string_attr(w, "llmgw.deployment", text(doc, "deployment"));
  int_attr(w, "llmgw.attempts", integer(doc, "attempts"));
  w.EndArray();
  end_span(w, status, error);
  // One child span per attempt.
  const auto attempts_it = doc.FindMember("attempt_list");
  if (attempts_it != doc.MemberEnd() && attempts_it->value.IsArray()) {
    const auto& attempts = attempts_it->value.GetArray();
    for (rapidjson::SizeType i = 0; i < attempts.Size(); ++i) {
      const Value& a = attempts[i];
      if (!a.IsObject()) continue;
      const std::string_view attempt_span = text(a, "span_id");
      if (!is_hex(attempt_span, 16)) continue;
      const int64_t a_start = start_ns + static_cast<int64_t>(number(a, "start_offset_ms") * 1e6);
      const int64_t a_end = a_start + static_cast<int64_t>(number(a, "duration_ms") * 1e6);
      const int64_t a_status = integer(a, "status");
      const std::string a_error = error_type(a);
      const std::string_view model = text(a, "model");
      separator();
      begin_span(w, SpanHead{trace_id, attempt_span, span_id, model, operation, a_start, a_end, a_status});
      w.Key("attributes");
      w.StartArray();
      common_attrs(w, operation, text(a, "provider"), a_error, a_status);
      string_attr(w, "gen_ai.request.model", model);
      string_attr(w, "server.address", text(a, "server_address"));
      string_attr(w, "llmgw.deployment", text(a, "deployment"));
      int_attr(w, "llmgw.attempt", integer(a, "index"));
      // The attempt that answered (the last, when it succeeded) is the one the answer came from.
      if (i + 1 == attempts.Size() && a_status < 400) response_attrs(w, doc);
      w.EndArray();
      end_span(w, a_status, a_error);
    }
  }
  // One INTERNAL child span per guardrail run: "apply_guardrail {name}".
  const auto guards_it = doc.FindMember("guardrails");
  if (guards_it != doc.MemberEnd() && guards_it->value.IsArray()) {
    for (const Value& g : guards_it->value.GetArray()) {
      if (!g.IsObject()) continue;
      const std::string_view guard_span = text(g, "span_id");
      const std::string_view name = text(g, "name");
      if (!is_hex(guard_span, 16) || name.empty()) continue;
      const double offset = number(g, "start_offset_ms"), duration = number(g, "duration_ms");
      const int64_t g_start = start_ns + static_cast<int64_t>((std::isnan(offset) ? 0 : offset) * 1e6);
      const int64_t g_end = g_start + static_cast<int64_t>((std::isnan(duration) ? 0 : duration) * 1e6);
      const std::string_view target = text(g, "target"), decision = text(g, "decision");
      const bool failed = decision == "failed";
      separator();
      SpanHead head{trace_id, guard_span, span_id, name, "apply_guardrail", g_start, g_end, failed ? 500 : 0};
      head.kind = kSpanKindInternal;
      begin_span(w, head);
      w.Key("attributes");
      w.StartArray();
      string_attr(w, "gen_ai.operation.name", "apply_guardrail");
      string_attr(w, "gen_ai.guardian.name", name);
      string_attr(w, "gen_ai.security.target.type", target == "input" ? "llm_input" : "llm_output");
      // A guardrail that failed refused the call (it fails closed): a deny, with the error.
      string_attr(w, "gen_ai.security.decision.type", failed ? std::string_view("deny") : decision);
      bool_attr(w, "llmgw.guardrail.stream", target == "stream");
      if (failed) string_attr(w, "error.type", "guardrail_failed");
      w.EndArray();
      end_span(w, failed ? 500 : 0, "guardrail_failed");
    }
  }
  ++requests_;
  return true;
}

std::string SpanBatch::export_body(std::string_view service_name) const {
  std::string body;
  body.reserve(spans_.size() + 256);
  StringOut out{body};
  Writer w(out);
  w.StartObject();
  w.Key("resourceSpans");
  w.StartArray();
  w.StartObject();
  w.Key("resource");
  w.StartObject();
  w.Key("attributes");
  w.StartArray();
  string_attr(w, "service.name", service_name);
  w.EndArray();
  w.EndObject();
  w.Key("scopeSpans");
  w.StartArray();
  w.StartObject();
  w.Key("scope");
  w.StartObject();
  w.Key("name");
  w.String("llmgw.sink-otlp");
  w.Key("version");
  w.String("0.1.0");
  w.EndObject();
  w.Key("spans");
  w.RawValue("[", 1, rapidjson::kArrayType);  // the spans are already JSON
  w.EndObject();
  w.EndArray();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  // Splice the spans in: the writer emitted `"spans":[` ... close them by hand.
  const std::string marker = "\"spans\":[";
  const std::size_t at = body.find(marker);
  return body.substr(0, at + marker.size()) + spans_ + "]" + body.substr(at + marker.size());
}

void SpanBatch::clear() {
  spans_.clear();
  requests_ = 0;
}

}  // namespace llmgw::sink_otlp

#include "telemetry/request_event.hpp"

#include <rapidjson/writer.h>

#include <cinttypes>
#include <cstdio>
#include <random>

#include "pipeline/model_table.hpp"

namespace llmgw::telemetry {
namespace {

/// RapidJSON output stream appending to a std::string.
struct StringOut {
  using Ch = char;
  std::string& s;
  void Put(char c) { s.push_back(c); }
  void Flush() {}
};
using Writer = rapidjson::Writer<StringOut>;

void str(Writer& w, std::string_view v) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())); }

void str_or_null(Writer& w, std::string_view v) {
  if (v.empty()) w.Null();
  else str(w, v);
}

void key(Writer& w, const char* k) { w.Key(k); }

/// Microseconds as milliseconds with three decimals.
void ms(Writer& w, int64_t us) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%s%" PRId64 ".%03" PRId64, us < 0 ? "-" : "", (us < 0 ? -us : us) / 1000,
                              (us < 0 ? -us : us) % 1000);
  w.RawValue(buf, static_cast<std::size_t>(n), rapidjson::kNumberType);
}

void ms_or_null(Writer& w, int64_t us) {
  if (us < 0) w.Null();
  else ms(w, us);
}

void count_or_null(Writer& w, int64_t v) {
  if (v < 0) w.Null();
  else w.Int64(v);
}

void hex(Writer& w, uint64_t v) {
  char buf[16];
  observe::to_hex(v, 8, buf);
  w.String(buf, 16);
}

std::string_view dialect_name(llmgw_dialect d) {
  switch (d) {
    case LLMGW_DIALECT_ANTHROPIC_MESSAGES: return "anthropic_messages";
    case LLMGW_DIALECT_OPENAI_EMBEDDINGS: return "openai_embeddings";
    default: return "openai_chat";
  }
}

std::string_view operation_name(llmgw_operation o) {
  switch (o) {
    case LLMGW_OP_EMBEDDINGS: return "embeddings";
    case LLMGW_OP_COUNT_TOKENS: return "count_tokens";
    default: return "chat";
  }
}

/// The host of an api_base ("https://h:443/v1" → "h"); empty when none is set.
std::string_view host_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  const auto end = url.find_first_of("/?#");
  url = url.substr(0, end);
  if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') return url.substr(1, url.find(']') - 1);
  return url.substr(0, url.find(':'));
}

void error_fields(Writer& w, int status, std::string_view type, int32_t error_class, bool upstream) {
  key(w, "error_type");
  if (status < 400) w.Null();
  else str(w, type.empty() ? error_type_of_status(status) : type);
  key(w, "error_class");
  if (status < 400 || !upstream) w.Null();
  else str(w, error_class_name(error_class));
}

void attempt(Writer& w, const pipeline::AttemptTrace& a, int index, int64_t request_start_us) {
  w.StartObject();
  key(w, "index");
  w.Int(index);
  key(w, "alias");
  str(w, a.alias);
  const pipeline::Deployment* d = a.deployment;
  key(w, "deployment");
  str(w, d ? std::string_view(d->cfg.id) : std::string_view());
  key(w, "provider");
  str(w, d ? std::string_view(d->cfg.provider) : std::string_view());
  key(w, "model");
  str(w, d ? std::string_view(d->cfg.model) : std::string_view());
  key(w, "server_address");
  str_or_null(w, d ? host_of(d->cfg.api_base) : std::string_view());
  key(w, "status");
  w.Int(a.status);
  error_fields(w, a.status, a.error_type, a.error_class, true);
  key(w, "start_offset_ms");
  ms(w, a.start_us - request_start_us);
  key(w, "duration_ms");
  ms(w, a.duration_us);
  key(w, "ttft_ms");
  ms_or_null(w, a.ttft_us);
  key(w, "span_id");
  hex(w, a.span);
  key(w, "cooldown");
  w.Bool(a.cooled);
  w.EndObject();
}

void guardrail(Writer& w, const guard::GuardTiming& g, int64_t request_start_us) {
  w.StartObject();
  key(w, "name");
  str(w, g.name);
  key(w, "target");
  str(w, guard::target_name(g.target));
  key(w, "decision");
  str(w, guard::decision_name(g.decision));
  key(w, "start_offset_ms");
  ms(w, std::max<int64_t>(g.start_us - request_start_us, 0));
  key(w, "duration_ms");
  ms(w, g.duration_us);
  key(w, "span_id");
  hex(w, observe::new_span_id());
  w.EndObject();
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[36] = "req_";
  observe::to_hex(rng(), 8, buf + 4);
  observe::to_hex(rng(), 8, buf + 20);
  return std::string(buf, 36);
}

}  // namespace

void write_request_event(const RequestFacts& f, bool with_body, std::string& out) {
  StringOut stream{out};
  Writer w(stream);
  w.StartObject();
  key(w, "type");
  str(w, "request");
  key(w, "schema_version");
  w.Uint(kRequestEventSchema);
  key(w, "request_id");
  str(w, f.request_id.empty() ? std::string_view(new_request_id()) : f.request_id);
  key(w, "start_unix_ms");
  w.Int64(f.end_unix_ms - f.latency_us / 1000);
  key(w, "time_unix_ms");
  w.Int64(f.end_unix_ms);
  key(w, "key_alias");
  str_or_null(w, f.key_alias);
  key(w, "team");
  str_or_null(w, f.team);
  key(w, "route");
  str(w, route_name(f.route));
  key(w, "client_dialect");
  str(w, dialect_name(f.dialect));
  key(w, "operation");
  str(w, operation_name(f.operation));
  key(w, "alias");
  str_or_null(w, f.alias);
  const pipeline::Deployment* d = f.deployment;
  key(w, "deployment");
  str_or_null(w, d ? std::string_view(d->cfg.id) : std::string_view());
  key(w, "provider");
  str_or_null(w, d ? std::string_view(d->cfg.provider) : std::string_view());
  key(w, "model");
  str_or_null(w, d ? std::string_view(d->cfg.model) : std::string_view());
  key(w, "status");
  w.Int(f.status);
  const pipeline::AttemptTrace* last =
      f.attempt_log && !f.attempt_log->empty() ? &f.attempt_log->back() : nullptr;
  const bool upstream_error = last && last->status >= 400 && last->status == f.status;
  error_fields(w, f.status, upstream_error ? std::string_view(last->error_type) : std::string_view(),
               upstream_error ? last->error_class : 0, upstream_error);
  key(w, "stream");
  w.Bool(f.stream);
  key(w, "passthrough");
  w.Bool(f.passthrough);
  key(w, "response_id");
  str_or_null(w, f.response ? std::string_view(f.response->id) : std::string_view());
  key(w, "response_model");
  str_or_null(w, f.response ? std::string_view(f.response->model) : std::string_view());
  key(w, "finish_reasons");
  w.StartArray();
  if (f.response)
    for (const std::string& reason : f.response->finish_reasons) str(w, reason);
  w.EndArray();
  key(w, "tokens");
  w.StartObject();
  key(w, "input");
  count_or_null(w, f.usage.prompt_tokens);
  key(w, "output");
  count_or_null(w, f.usage.completion_tokens);
  key(w, "cache_read");
  count_or_null(w, f.usage.cached_tokens);
  key(w, "cache_write");
  count_or_null(w, f.usage.cache_creation_tokens);
  key(w, "reasoning");
  count_or_null(w, f.usage.reasoning_tokens);
  w.EndObject();
  key(w, "cache_requested");
  w.Bool(f.cache_requested);
  key(w, "cost_usd");
  if (f.cost_nano_usd < 0) {
    w.Null();
  } else {
    char buf[40];
    const int n = std::snprintf(buf, sizeof buf, "%" PRId64 ".%09" PRId64, f.cost_nano_usd / 1000000000,
                                f.cost_nano_usd % 1000000000);
    w.RawValue(buf, static_cast<std::size_t>(n), rapidjson::kNumberType);
  }
  const int64_t upstream = f.upstream_us();
  key(w, "latency_ms");
  ms(w, f.latency_us);
  key(w, "ttft_ms");
  ms_or_null(w, f.ttft_us);
  key(w, "upstream_ms");
  ms(w, upstream);
  key(w, "overhead_ms");
  ms(w, std::max<int64_t>(f.latency_us - upstream, 0));
  key(w, "attempts");
  w.Int(f.attempts);
  key(w, "retries");
  w.Int(f.retries());
  key(w, "fallbacks");
  w.Int(f.fallbacks());
  key(w, "attempt_list");
  w.StartArray();
  if (f.attempt_log) {
    int i = 0;
    for (const auto& a : *f.attempt_log) attempt(w, a, ++i, f.start_us);
  }
  w.EndArray();
  key(w, "guardrails");
  w.StartArray();
  if (f.guardrails)
    for (const guard::GuardTiming& g : *f.guardrails) guardrail(w, g, f.start_us);
  w.EndArray();
  key(w, "trace");
  w.StartObject();
  const observe::TraceContext t = f.trace ? *f.trace : observe::TraceContext{};
  key(w, "trace_id");
  char trace_id[32];
  observe::to_hex(t.trace_hi, 8, trace_id);
  observe::to_hex(t.trace_lo, 8, trace_id + 16);
  w.String(trace_id, 32);
  key(w, "span_id");
  hex(w, t.span);
  key(w, "parent_span_id");
  if (t.parent_span) hex(w, t.parent_span);
  else w.Null();
  key(w, "sampled");
  w.Bool(t.sampled);
  w.EndObject();
  if (with_body && f.body.data() != nullptr) {  // null: no body to tell (not read, or not passed by the guardrails)
    key(w, "request_body");
    str(w, f.body);
  }
  w.EndObject();
}

}  // namespace llmgw::telemetry

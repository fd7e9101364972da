// Request events (sdk/EVENTS.md) as OTLP spans following the OpenTelemetry GenAI semantic
// conventions (Development status): one CLIENT span per request and one per upstream attempt
// (its child), named "{gen_ai.operation.name} {gen_ai.request.model}".
//
// Request span: gen_ai.operation.name, gen_ai.provider.name, gen_ai.request.model (the alias
// asked for), gen_ai.request.stream, gen_ai.usage.input_tokens (cache reads and writes
// included), gen_ai.usage.output_tokens, gen_ai.usage.cache_read.input_tokens,
// gen_ai.usage.cache_creation.input_tokens, gen_ai.usage.reasoning.output_tokens,
// gen_ai.response.time_to_first_chunk (s, streams), server.address, error.type,
// http.response.status_code, llmgw.* (request id, key alias, deployment, attempts),
// gen_ai.response.* (below).
// Attempt span: operation, provider, gen_ai.request.model (the upstream model), server.address,
// error.type, http.response.status_code, llmgw.deployment, llmgw.attempt.
// Guardrail span (one per entry of the event's `guardrails`, child of the request span, kind
// INTERNAL), named "apply_guardrail {name}": gen_ai.operation.name "apply_guardrail",
// gen_ai.guardian.name, gen_ai.security.target.type (llm_input / llm_output),
// gen_ai.security.decision.type (allow / modify / deny; a failed guardrail is a deny with
// error.type guardrail_failed), llmgw.guardrail.stream — the names of the GenAI security
// proposal (semantic-conventions PR 3233, a draft). Its duration is the time spent inside the
// guardrail (a stream's hook calls summed, from its first).
// Event schema 3: gen_ai.response.id, gen_ai.response.model, gen_ai.response.finish_reasons
// (string array) on the request span and on the answering (last, successful) attempt's.
#pragma once

#include <string>
#include <string_view>

namespace llmgw::sink_otlp {

/// gen_ai.provider.name for a LiteLLM provider prefix ("bedrock" → "aws.bedrock"); the prefix
/// itself when the conventions name no value for it.
std::string_view genai_provider(std::string_view prefix);

/// Spans of many events, then one OTLP/HTTP JSON export request.
class SpanBatch {
 public:
  /// Adds the spans of one request event (schema 1 or 2; 2 adds the guardrails). Returns false
  /// (nothing added) for an unsampled trace. Throws std::invalid_argument when the event is not
  /// a request event.
  bool add(std::string_view event_json);
  std::size_t requests() const { return requests_; }
  bool empty() const { return requests_ == 0; }
  /// {"resourceSpans":[{resource: service.name, scopeSpans:[{scope, spans:[…]}]}]}
  std::string export_body(std::string_view service_name) const;
  void clear();

 private:
  std::string spans_;  // span objects, comma-separated
  std::size_t requests_ = 0;
};

}  // namespace llmgw::sink_otlp

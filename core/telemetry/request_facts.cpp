#include "telemetry/request_facts.hpp"

#include <algorithm>
#include <chrono>

#include "pipeline/gateway.hpp"
#include "policy/gatekeeper.hpp"
#include "store/records.hpp"

namespace llmgw::telemetry {

Route route_of(llmgw_dialect dialect, llmgw_operation operation) {
  if (operation == LLMGW_OP_EMBEDDINGS) return Route::Embeddings;
  if (operation == LLMGW_OP_COUNT_TOKENS) return Route::CountTokens;
  return dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES ? Route::Messages : Route::ChatCompletions;
}

std::string_view route_name(Route route) {
  switch (route) {
    case Route::Messages: return "/v1/messages";
    case Route::CountTokens: return "/v1/messages/count_tokens";
    case Route::Embeddings: return "/v1/embeddings";
    default: return "/v1/chat/completions";
  }
}

int64_t RequestFacts::upstream_us() const {
  int64_t total = 0;
  if (attempt_log)
    for (const auto& a : *attempt_log) total += a.duration_us;
  return total;
}

int RequestFacts::retries() const {
  if (!attempt_log) return 0;
  return static_cast<int>(std::count_if(attempt_log->begin(), attempt_log->end(), [](const auto& a) { return a.retry; }));
}

int RequestFacts::fallbacks() const {
  if (!attempt_log) return 0;
  return static_cast<int>(
      std::count_if(attempt_log->begin(), attempt_log->end(), [](const auto& a) { return a.fallback; }));
}

std::string_view error_type_of_status(int status) {
  switch (status) {
    case 400: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 408: return "timeout_error";
    case 413: return "request_too_large";
    case 415: return "invalid_request_error";
    case 429: return "rate_limit_error";
    case 499: return "client_closed_request";
    default: return status >= 500 ? "api_error" : status >= 400 ? "invalid_request_error" : "";
  }
}

std::string_view error_class_name(int32_t error_class) {
  switch (error_class) {
    case 0: return "gateway";
    case LLMGW_ERR_INVALID_REQUEST: return "invalid_request";
    case LLMGW_ERR_AUTH: return "auth";
    case LLMGW_ERR_NOT_FOUND: return "not_found";
    case LLMGW_ERR_RATE_LIMITED: return "rate_limited";
    case LLMGW_ERR_TRANSIENT: return "transient";
    case LLMGW_ERR_CONTEXT_WINDOW: return "context_window";
    case LLMGW_ERR_CONTENT_POLICY: return "content_policy";
    case LLMGW_ERR_BAD_RESPONSE: return "bad_response";
    default: return "unknown";
  }
}

RequestFacts facts_of(const observe::AccessRecord& record, const pipeline::CallOutcome& outcome,
                      const policy::Caller& caller, std::string_view request_id, const pipeline::CallContext& context,
                      llmgw_dialect dialect, llmgw_operation operation, std::string_view body, bool alias_known,
                      int64_t start_ns, int64_t cost_nano_usd, bool cache_requested) {
  RequestFacts f;
  f.request_id = request_id;
  if (caller.key) {
    f.key_alias = caller.key->name;
    f.team = caller.key->team_id;
  }
  f.route = route_of(dialect, operation);
  f.dialect = dialect;
  f.operation = operation;
  if (alias_known) f.alias = record.model;
  f.deployment = outcome.deployment;
  f.status = record.status;
  f.stream = record.stream;
  f.passthrough = record.passthrough;
  f.usage = record.usage;
  f.cost_nano_usd = cost_nano_usd;
  f.start_us = start_ns / 1000;
  f.latency_us = record.latency_us;
  f.end_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  f.ttft_us = outcome.ttft_us;
  f.attempts = static_cast<int>(context.attempt_log.size());
  f.attempt_log = &context.attempt_log;
  f.trace = &context.trace;
  f.body = body;
  f.cache_requested = f.deployment != nullptr && cache_requested;  // only calls made feed the ratio
  return f;
}

}  // namespace llmgw::telemetry

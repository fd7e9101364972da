// What the ingress's accounting phase (9) knows of one finished request, gathered in one place
// for the metrics and the sink event (sdk/EVENTS.md). Views only: valid during phase 9.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "guard/guard_timing.hpp"
#include "observe/access_log.hpp"
#include "observe/trace_context.hpp"
#include "pipeline/call_context.hpp"
#include "telemetry/response_facts.hpp"

namespace llmgw::pipeline {
struct CallOutcome;
}  // namespace llmgw::pipeline
namespace llmgw::policy {
struct Caller;
}  // namespace llmgw::policy

namespace llmgw::telemetry {

/// The routes a request event can come from (metric label "route"; never the client's own
/// path text, so a client cannot add label values).
enum class Route : uint8_t { ChatCompletions = 0, Messages, CountTokens, Embeddings, Count };
Route route_of(llmgw_dialect dialect, llmgw_operation operation);
std::string_view route_name(Route route);

struct RequestFacts {
  std::string_view request_id;   // may be empty: the event then gets a new one
  std::string_view key_alias;    // the virtual key's name; empty: none
  std::string_view team;
  Route route = Route::ChatCompletions;
  llmgw_dialect dialect = LLMGW_DIALECT_OPENAI_CHAT;
  llmgw_operation operation = LLMGW_OP_CHAT;
  std::string_view alias;        // empty: the request named no configured alias
  const pipeline::Deployment* deployment = nullptr;  // the one that answered last
  int status = 0;
  bool stream = false;
  bool passthrough = false;
  bool cache_requested = false;
  llmgw_usage usage{sizeof(llmgw_usage), -1, -1, -1, -1, -1};
  int64_t cost_nano_usd = -1;    // -1: unknown
  int64_t start_us = 0;          // steady clock, the request's start
  int64_t end_unix_ms = 0;
  int64_t latency_us = 0;
  int64_t ttft_us = -1;
  int attempts = 0;
  const std::vector<pipeline::AttemptTrace>* attempt_log = nullptr;
  const std::vector<guard::GuardTiming>* guardrails = nullptr;  // what each guardrail did (null: none ran)
  const observe::TraceContext* trace = nullptr;
  const ResponseFacts* response = nullptr;  // the answer's id, model, finish reasons (null: unknown)
  std::string_view body;         // the request body as it went upstream (events with bodies)

  /// The sum of the attempts' durations.
  int64_t upstream_us() const;
  int retries() const;
  int fallbacks() const;
};

/// The facts of a request from what the ingress holds at phase 9. `alias_known`: the request
/// reached the model table with a configured alias (so `record.model` may be a label value).
/// `cache_requested`: the request scan saw a prompt-caching key (ScannedRequest).
/// `cost_nano_usd`: what the accounting charged the call (-1: unknown or unpriced), so the
/// metrics, the event and the ledger show one figure (the call is priced once).
RequestFacts facts_of(const observe::AccessRecord& record, const pipeline::CallOutcome& outcome,
                      const policy::Caller& caller, std::string_view request_id, const pipeline::CallContext& context,
                      llmgw_dialect dialect, llmgw_operation operation, std::string_view body, bool alias_known,
                      int64_t start_ns, int64_t cost_nano_usd, bool cache_requested);

/// The error type for a status the gateway answered itself (no upstream error to name).
std::string_view error_type_of_status(int status);

/// llmgw_error_class as text ("rate_limited"…); "gateway" for 0, "unknown" past the known ones.
std::string_view error_class_name(int32_t error_class);

}  // namespace llmgw::telemetry

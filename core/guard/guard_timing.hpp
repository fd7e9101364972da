// What one guardrail did to one client request, for the request event's `guardrails` list
// (sdk/EVENTS.md) and the OTLP sink's `apply_guardrail {name}` spans: which guardrail, on what
// (the request, the whole answer, the streamed answer), when, how long, and its decision.
// Recorded by guard::GuardCalls (the request's guard state); header-only, so telemetry can read
// it without linking the guard library.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace llmgw::guard {

enum class GuardTarget : uint8_t { input, output, stream };
/// allow: nothing changed; modify: redacted; deny: blocked; failed: the guardrail failed (500).
/// A stream's decision is modify when the guardrail released anything other than the text it
/// was fed (guard/release_watch), deny or failed when it blocked or failed (those win).
enum class GuardDecision : uint8_t { allow, modify, deny, failed };

struct GuardTiming {
  std::string_view name;  // the guardrail's plugin name (owned by the chain)
  GuardTarget target = GuardTarget::input;
  GuardDecision decision = GuardDecision::allow;
  int64_t start_us = 0;     // steady clock (observe::steady_us), first hook call
  int64_t duration_us = 0;  // time inside the guardrail's hooks (a stream: summed over its feeds)
};

/// The steady clock in microseconds (the clock of observe::steady_us and of the request's start).
inline int64_t steady_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::string_view target_name(GuardTarget t) {
  switch (t) {
    case GuardTarget::input: return "input";
    case GuardTarget::output: return "output";
    default: return "stream";
  }
}

inline std::string_view decision_name(GuardDecision d) {
  switch (d) {
    case GuardDecision::allow: return "allow";
    case GuardDecision::modify: return "modify";
    case GuardDecision::deny: return "deny";
    default: return "failed";
  }
}

}  // namespace llmgw::guard

// The per-call state guardrails keep for one client request (ABI 1.2, llmgw_guardrail_vtable
// .call_open / call_close): one call per guardrail that guards the request (its alias, key and
// team) and has the call hooks, opened before the input check, handed to every check and guard
// stream of the request (llmgw_guard_request.call; the same across retries and fallbacks), and
// closed when the GuardCalls is destroyed — at the end of the request on every path. Destroy it
// after every guard stream of the request (the Reply that holds them). It also keeps what each
// guardrail did to the request and for how long (GuardTiming, for the request event and its spans).
#pragma once

#include <llmgw/plugin.h>

#include <optional>
#include <string_view>
#include <vector>

#include "canonical/api_error.hpp"
#include "config/entry_scope.hpp"
#include "guard/guard_timing.hpp"

namespace llmgw::guard {

class GuardChain;
struct GuardStep;

class GuardCalls {
 public:
  GuardCalls() = default;
  ~GuardCalls();
  GuardCalls(const GuardCalls&) = delete;
  GuardCalls& operator=(const GuardCalls&) = delete;

  /// Opens a call on every guardrail of `chain` that guards `request` (in any phase) and has call
  /// hooks, once per request (a second open is a no-op). A failing call_open is the error to
  /// answer (500 guardrail_failed, fail closed); the calls opened before it stay open until
  /// the destructor closes them.
  std::optional<canonical::ApiError> open(const GuardChain& chain, llmgw_dialect dialect,
                                          const config::RequestScope& request);
  /// The call `step` opened for this request; null when none.
  void* call_of(const GuardStep& step) const;

  /// A check of `step` on `target` (input or output) started at `start_us` (steady clock) and
  /// took `duration_us`, deciding `decision`.
  void record(const GuardStep& step, GuardTarget target, GuardDecision decision, int64_t start_us,
              int64_t duration_us);
  /// Time `step`'s guard stream spent in one hook call (summed into one stream entry, which
  /// starts at its first call); `decision` other than allow sticks (deny, failed).
  void add_stream_time(const GuardStep& step, int64_t start_us, int64_t duration_us,
                       GuardDecision decision = GuardDecision::allow);
  /// What each guardrail did to the request, in the order they first ran.
  const std::vector<GuardTiming>& timings() const { return timings_; }

 private:
  struct Open {
    const GuardStep* step;
    void* call;
  };
  std::vector<Open> open_;
  std::vector<GuardTiming> timings_;
  bool opened_ = false;
};

}  // namespace llmgw::guard

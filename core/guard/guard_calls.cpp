#include "guard/guard_calls.hpp"

#include "guard/guard_chain.hpp"

namespace llmgw::guard {

GuardCalls::~GuardCalls() {
  // The last opened first, as a stack of scopes would.
  for (auto it = open_.rbegin(); it != open_.rend(); ++it)
    it->step->instance->vtable().call_close(it->step->instance->instance(), it->call);
}

std::optional<canonical::ApiError> GuardCalls::open(const GuardChain& chain, llmgw_dialect dialect,
                                                    const config::RequestScope& scope) {
  if (opened_) return std::nullopt;
  opened_ = true;
  for (const GuardStep& step : chain.steps()) {
    if (!step.instance->has_calls() || !(step.input || step.output) || !step.guards(scope)) continue;
    llmgw_guard_request request{};
    request.struct_size = sizeof request;
    request.phase = LLMGW_PHASE_CALL;
    request.client_dialect = dialect;
    request.model = {scope.alias.data(), scope.alias.size()};
    request.segment_size = sizeof(llmgw_segment);
    void* call = nullptr;
    if (step.instance->vtable().call_open(step.instance->instance(), &request, &call) != LLMGW_OK)
      return failed_error(step.name);
    open_.push_back(Open{&step, call});
  }
  return std::nullopt;
}

void GuardCalls::record(const GuardStep& step, GuardTarget target, GuardDecision decision, int64_t start_us,
                        int64_t duration_us) {
  timings_.push_back(GuardTiming{step.name, target, decision, start_us, duration_us});
}

void GuardCalls::add_stream_time(const GuardStep& step, int64_t start_us, int64_t duration_us,
                                 GuardDecision decision) {
  for (GuardTiming& t : timings_) {
    if (t.target != GuardTarget::stream || t.name.data() != step.name.data()) continue;
    t.duration_us += duration_us;
    // modify only replaces allow; deny and failed replace anything.
    if (decision == GuardDecision::modify ? t.decision == GuardDecision::allow : decision != GuardDecision::allow)
      t.decision = decision;
    return;
  }
  timings_.push_back(GuardTiming{step.name, GuardTarget::stream, decision, start_us, duration_us});
}

void* GuardCalls::call_of(const GuardStep& step) const {
  for (const Open& o : open_)
    if (o.step == &step) return o.call;
  return nullptr;
}

}  // namespace llmgw::guard

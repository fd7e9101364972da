// The configured guardrails (config `guardrails:`), in order, each with the requests (aliases,
// virtual keys, teams: config/entry_scope.hpp) and phases it guards, and the checks the ingress runs with them: a whole request (input) or a whole answer
// (output) — extract the segments, ask each guardrail in turn (each sees the text the ones before
// it redacted), splice the changed strings back into the body — and guard streams (stream_guard).
#pragma once

#include <llmgw/plugin.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical/api_error.hpp"
#include "config/entry_scope.hpp"
#include "guard/guard_calls.hpp"
#include "loader/registry.hpp"

namespace llmgw::guard {

struct GuardStep {
  std::unique_ptr<loader::GuardrailInstance> instance;
  std::string name;                 // the plugin's name, for errors and logs
  config::EntryScope scope;         // the aliases, keys and teams it guards (built at config load)
  bool input = true;
  bool output = true;
  bool guards(const config::RequestScope& request) const { return scope.matches(request); }
};

/// The 400 a block answers with: names the guardrail and its detector, never the matched text.
canonical::ApiError blocked_error(std::string_view guardrail, std::string_view detector, std::string_view reason);
/// The 500 a failing guardrail answers with (fail closed).
canonical::ApiError failed_error(std::string_view guardrail);

class GuardChain {
 public:
  void add(GuardStep step) { steps_.push_back(std::move(step)); }
  bool empty() const { return steps_.empty(); }
  const std::vector<GuardStep>& steps() const { return steps_; }
  /// Whether any guardrail runs on `request` (its alias, key, team) in the input (true) or
  /// output (false) phase.
  bool guards(const config::RequestScope& request, bool input) const;

  /// Checks a whole body in `phase` (LLMGW_PHASE_INPUT: a request; LLMGW_PHASE_OUTPUT: an answer)
  /// in `dialect`, with the guardrails that guard `request` (each is told its alias). Returns the error to answer (block: 400; failure: 500), or nullopt: the body
  /// passes, and when a guardrail redacted, `rewritten` holds the new body and `changed` is set.
  /// `calls`: the request's guardrail calls (each check gets its guardrail's, and its time and
  /// decision are recorded there); null: none.
  /// `client_dialect`: what the guardrails are told the client speaks (NONE: `dialect`; they
  /// differ for an answer on a translated route, checked in canonical form).
  std::optional<canonical::ApiError> check_body(llmgw_guard_phase phase, llmgw_dialect dialect,
                                                const config::RequestScope& request,
                                                std::string_view body, unsigned max_depth, std::string& rewritten,
                                                bool& changed, GuardCalls* calls = nullptr,
                                                llmgw_dialect client_dialect = LLMGW_DIALECT_NONE) const;

  /// The guardrails with stream hooks that guard `request`'s output, in order.
  std::vector<const GuardStep*> stream_steps(const config::RequestScope& request) const;

 private:
  std::vector<GuardStep> steps_;
};

}  // namespace llmgw::guard

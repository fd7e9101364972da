// Where the ingress runs the guardrails (core/guard): input in phase 6, output through the Reply
// (phase 8). Kept apart from ingress.cpp so that the phase list stays one screen.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "canonical/api_error.hpp"
#include "frontends/dialect.hpp"
#include "guard/guard_chain.hpp"
#include "policy/gatekeeper.hpp"
#include "pipeline/reply.hpp"

namespace llmgw::frontends {

/// What the guardrails' scopes (guardrails: models, keys, teams) see of a request: `alias` and
/// the caller's virtual key name and team id (none for the master key or no auth). Views.
config::RequestScope guard_scope(const policy::Caller& caller, std::string_view alias);

/// Phase 6, input guardrails (those whose scope takes `caller` and the request's alias): opens the request's guardrail calls in `calls` (ABI 1.2; closed
/// when `calls` is destroyed, after the reply), then checks `sent` (the body as it goes on). A
/// block or a failure is the error to answer. On a redaction the body is rewritten into
/// `guarded` (only the changed JSON strings), `sent` points at it, and `scanned` is scanned again
/// from it (the model's span moved).
std::optional<canonical::ApiError> guard_input(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                               const Dialect& dialect, unsigned max_depth, const policy::Caller& caller,
                                               ScannedRequest& scanned, std::string_view& sent, std::string& guarded);

/// Phase 8, output guardrails: `reply` wrapped in a guard::GuardReply (with the request's
/// guardrail calls, which must outlive it, as must `caller`) when a guardrail guards the output of
/// `caller`'s call to `alias`, else `reply` itself.
std::unique_ptr<pipeline::Reply> guard_output(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                              const Dialect& dialect, const policy::Caller& caller,
                                              std::string_view alias, unsigned max_depth,
                                              std::unique_ptr<pipeline::Reply> reply);

}  // namespace llmgw::frontends

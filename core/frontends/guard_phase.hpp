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
#include "pipeline/reply.hpp"

namespace llmgw::frontends {

/// Phase 6, input guardrails: opens the request's guardrail calls in `calls` (ABI 1.2; closed
/// when `calls` is destroyed, after the reply), then checks `sent` (the body as it goes on). A
/// block or a failure is the error to answer. On a redaction the body is rewritten into
/// `guarded` (only the changed JSON strings), `sent` points at it, and `scanned` is scanned again
/// from it (the model's span moved).
std::optional<canonical::ApiError> guard_input(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                               const Dialect& dialect, unsigned max_depth, ScannedRequest& scanned,
                                               std::string_view& sent, std::string& guarded);

/// Phase 8, output guardrails: `reply` wrapped in a guard::GuardReply (with the request's
/// guardrail calls, which must outlive it) when a guardrail guards `alias`'s output, else
/// `reply` itself.
std::unique_ptr<pipeline::Reply> guard_output(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                              const Dialect& dialect, const std::string& alias, unsigned max_depth,
                                              std::unique_ptr<pipeline::Reply> reply);

}  // namespace llmgw::frontends

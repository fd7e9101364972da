#include "frontends/guard_phase.hpp"

#include "guard/guard_reply.hpp"

namespace llmgw::frontends {

std::optional<canonical::ApiError> guard_input(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                               const Dialect& dialect, unsigned max_depth, ScannedRequest& scanned,
                                               std::string_view& sent, std::string& guarded) {
  if (auto err = calls.open(guards, dialect.id(), scanned.model)) return err;
  if (!guards.guards(scanned.model, true)) return std::nullopt;
  std::string rewritten;
  bool changed = false;
  if (auto err = guards.check_body(LLMGW_PHASE_INPUT, dialect.id(), scanned.model, sent, max_depth, rewritten, changed,
                                   &calls))
    return err;
  if (!changed) return std::nullopt;
  guarded.swap(rewritten);
  sent = guarded;
  ScannedRequest again;
  if (auto err = dialect.scan(guarded, again, max_depth)) return err;  // not expected: strings were replaced
  // Only the spans move: scanned.model keeps its storage (the access record views it).
  scanned.model_begin = again.model_begin;
  scanned.model_end = again.model_end;
  return std::nullopt;
}

std::unique_ptr<pipeline::Reply> guard_output(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                              const Dialect& dialect, const std::string& alias, unsigned max_depth,
                                              std::unique_ptr<pipeline::Reply> reply) {
  // An embeddings answer is vectors, no text: only its input is guarded.
  if (dialect.id() == LLMGW_DIALECT_OPENAI_EMBEDDINGS || !guards.guards(alias, false)) return reply;
  return std::make_unique<guard::GuardReply>(std::move(reply), guards, dialect.id(), alias, max_depth, &calls);
}

}  // namespace llmgw::frontends

#include "frontends/guard_phase.hpp"

#include "guard/guard_reply.hpp"

namespace llmgw::frontends {

config::RequestScope guard_scope(const policy::Caller& caller, std::string_view alias) {
  config::RequestScope scope(alias);
  if (caller.key) {
    scope.key_alias = caller.key->name;
    scope.team = caller.key->team_id;
  }
  return scope;
}

std::optional<canonical::ApiError> guard_input(const guard::GuardChain& guards, guard::GuardCalls& calls,
                                               const Dialect& dialect, unsigned max_depth, const policy::Caller& caller,
                                               ScannedRequest& scanned, std::string_view& sent, std::string& guarded) {
  const config::RequestScope scope = guard_scope(caller, scanned.model);
  if (auto err = calls.open(guards, dialect.id(), scope)) return err;
  if (!guards.guards(scope, true)) return std::nullopt;
  std::string rewritten;
  bool changed = false;
  if (auto err = guards.check_body(LLMGW_PHASE_INPUT, dialect.id(), scope, sent, max_depth, rewritten, changed,
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
                                              const Dialect& dialect, const policy::Caller& caller,
                                              std::string_view alias, unsigned max_depth,
                                              std::unique_ptr<pipeline::Reply> reply) {
  const config::RequestScope scope = guard_scope(caller, alias);
  // An embeddings answer is vectors, no text: only its input is guarded.
  if (dialect.id() == LLMGW_DIALECT_OPENAI_EMBEDDINGS || !guards.guards(scope, false)) return reply;
  return std::make_unique<guard::GuardReply>(std::move(reply), guards, dialect.id(), scope, max_depth, &calls);
}

}  // namespace llmgw::frontends

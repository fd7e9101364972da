#include "policy/gatekeeper.hpp"

#include "policy/key_admission.hpp"
#include "policy/key_hash_memo.hpp"
#include "policy/presented_key.hpp"
#include "policy/virtual_key.hpp"

namespace llmgw::policy {
namespace {

/// The error type a refusal carries (the client's dialect maps the status for its own).
std::string type_for(int status) {
  switch (status) {
    case 401: return "invalid_request_error";
    case 403: return "permission_error";
    case 429: return "rate_limit_error";
    default: return "invalid_request_error";
  }
}

}  // namespace

std::optional<canonical::ApiError> Gatekeeper::identify(canonical::HeaderFields headers, Caller& caller) const {
  caller = Caller{};
  if (!keys_ && !master_.enabled()) return std::nullopt;  // no auth configured
  std::string_view presented;
  if (auto missing = presented_key(headers, presented)) return missing;
  return identify_key(presented, caller);
}

std::optional<canonical::ApiError> Gatekeeper::identify_key(std::string_view presented, Caller& caller) const {
  caller = Caller{};
  if (master_.matches(presented)) {
    caller.kind = Caller::Kind::Master;
    return std::nullopt;
  }
  if (keys_ && looks_like_virtual_key(presented)) {
    caller.snapshot = keys_->snapshot();
    // The hash from this thread's memo (policy/key_hash_memo), the record from the current
    // snapshot: a key blocked or deleted is refused as soon as the snapshot has it.
    caller.key = caller.snapshot->key(memo_hash_key(presented));
    if (caller.key) {
      caller.kind = Caller::Kind::VirtualKey;
      if (!caller.key->team_id.empty()) caller.team = caller.snapshot->team(caller.key->team_id);
      return std::nullopt;
    }
  }
  return unauthorized("Incorrect API key provided.");
}

std::optional<canonical::ApiError> Gatekeeper::admit(const Caller& caller, std::string_view alias,
                                                     int64_t now_ms) const {
  if (caller.kind != Caller::Kind::VirtualKey) return std::nullopt;
  const Admission a = policy::admit(*caller.key, caller.team, alias, now_ms);
  if (a.admitted()) return std::nullopt;
  canonical::ApiError e{a.status, type_for(a.status), a.type, a.refusal == Refusal::model_not_allowed ? "model" : "",
                        a.message};
  if (a.reset_at > now_ms) e.retry_after_ms = a.reset_at - now_ms;
  return e;
}

}  // namespace llmgw::policy

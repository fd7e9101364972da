// The one ingress every client dialect goes through: an Endpoint running the phases of a call in
// order, with the dialect's codec table (frontends/dialect.hpp) for what differs.
//
//   1. auth            who calls: the master key or a virtual key (policy/gatekeeper)
//   2. body            read within server.max_body_bytes and the body deadline
//   3. scan            the dialect validates and finds model, stream, routing fields
//   4. routing fields  the client's own fallback list, cut out of the body
//   5. model table     the alias's pool; unknown aliases and fallbacks are refused
//   6. before the call the key's terms: expiry, blocks, model access, budget (policy/gatekeeper);
//                      RPM, TPM and parallel requests (limits/rate_limiter); the budget
//                      reservation (frontends/call_accounting), both Redis scripts in flight
//                      at once (one round trip); input guardrails
//                      (frontends/guard_phase, core/guard)
//   7. the call        pipeline::Gateway::execute: chain, retries, attempts, the stream pump
//   8. after the call  output guardrails: the Reply is a guard::GuardReply (whole answers and
//                      streams)
//   9. accounting      the cost, the reservation settled, the spend-ledger row
//                      (frontends/call_accounting), the access record, the request metrics
//                      and the sink event (telemetry/)
//
// Every refusal is answered in the client's dialect; nothing a phase throws escapes the ingress.
#pragma once

#include "frontends/dialect.hpp"
#include "frontends/request_limits.hpp"
#include "limits/rate_limiter.hpp"
#include "guard/guard_chain.hpp"
#include "pipeline/gateway.hpp"
#include "policy/gatekeeper.hpp"
#include "frontends/call_accounting.hpp"
#include "frontends/runtime.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class Ingress final : public server::Endpoint {
 public:
  /// `dialect`, `runtime` and `gate` must outlive the ingress. Each request takes the runtime
  /// snapshot (gateway, guardrails, sinks, accounting) once, at its start, and keeps it to its end.
  Ingress(const Dialect& dialect, const RuntimeSlot& runtime, const policy::Gatekeeper& gate, RequestLimits limits)
      : dialect_(dialect), runtime_(runtime), gate_(gate), limits_(limits) {}
  boost::asio::awaitable<void> handle(server::Request& request, server::Response& response) override;
  /// Rate limits of virtual keys (null: none); must outlive the ingress.
  void set_rate_limiter(limits::RateLimiter* limiter) { rate_limiter_ = limiter; }

 private:
  const Dialect& dialect_;
  const RuntimeSlot& runtime_;
  const policy::Gatekeeper& gate_;
  RequestLimits limits_;
  limits::RateLimiter* rate_limiter_ = nullptr;
};

}  // namespace llmgw::frontends

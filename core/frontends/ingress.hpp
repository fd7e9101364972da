// The one ingress every client dialect goes through: an Endpoint running the phases of a call in
// order, with the dialect's codec table (frontends/dialect.hpp) for what differs.
//
//   1. auth            who calls: the master key or a virtual key (policy/gatekeeper)
//   2. body            read within server.max_body_bytes and the body deadline
//   3. scan            the dialect validates and finds model, stream, routing fields
//   4. routing fields  the client's own fallback list, cut out of the body
//   5. model table     the alias's pool; unknown aliases and fallbacks are refused
//   6. before the call the key's terms: expiry, blocks, model access, budget (policy/gatekeeper);
//                      input guardrails (frontends/guard_phase, core/guard); rate limits and
//                      budget reservation next (issue 11)
//   7. the call        pipeline::Gateway::execute: chain, retries, attempts, the stream pump
//   8. after the call  output guardrails: the Reply is a guard::GuardReply (whole answers and
//                      streams)
//   9. accounting      the access record, the spend-ledger row (policy/spend_recorder); the sink
//                      event next (issue 12)
//
// Every refusal is answered in the client's dialect; nothing a phase throws escapes the ingress.
#pragma once

#include "frontends/dialect.hpp"
#include "frontends/request_limits.hpp"
#include "guard/guard_chain.hpp"
#include "pipeline/gateway.hpp"
#include "policy/gatekeeper.hpp"
#include "policy/spend_recorder.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class Ingress final : public server::Endpoint {
 public:
  /// `dialect`, `gateway`, `gate` and `spend` (null: no ledger) must outlive the ingress.
  Ingress(const Dialect& dialect, pipeline::Gateway& gateway, const policy::Gatekeeper& gate,
          policy::SpendRecorder* spend, RequestLimits limits)
      : dialect_(dialect), gateway_(gateway), gate_(gate), spend_(spend), limits_(limits) {}
  boost::asio::awaitable<void> handle(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) override;
  /// The guardrails (null: none); must outlive the ingress.
  void set_guards(const guard::GuardChain* guards) { guards_ = guards; }

 private:
  const Dialect& dialect_;
  pipeline::Gateway& gateway_;
  const policy::Gatekeeper& gate_;
  policy::SpendRecorder* spend_;
  RequestLimits limits_;
  const guard::GuardChain* guards_ = nullptr;
};

}  // namespace llmgw::frontends

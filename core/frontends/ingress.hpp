// The one ingress every client dialect goes through: an Endpoint running the phases of a call in
// order, with the dialect's codec table (frontends/dialect.hpp) for what differs.
//
//   1. auth            the master key today; virtual keys (issue 11) take this phase
//   2. body            read within server.max_body_bytes and the body deadline
//   3. scan            the dialect validates and finds model, stream, routing fields
//   4. routing fields  the client's own fallback list, cut out of the body
//   5. model table     the alias's pool; unknown aliases and fallbacks are refused
//   6. before the call limits, budget reservation, input guardrails (issues 11, 12: empty today)
//   7. the call        pipeline::Gateway::execute: chain, retries, attempts, the stream pump
//   8. after the call  output guardrails (issue 12: empty today; on streams, through the Reply)
//   9. accounting      the access record (spend ledger and sink event: issues 11, 12)
//
// Every refusal is answered in the client's dialect; nothing a phase throws escapes the ingress.
#pragma once

#include "frontends/dialect.hpp"
#include "frontends/request_limits.hpp"
#include "pipeline/gateway.hpp"
#include "policy/master_key_auth.hpp"
#include "server/endpoint.hpp"

namespace llmgw::frontends {

class Ingress final : public server::Endpoint {
 public:
  /// `dialect`, `gateway` and `auth` must outlive the ingress.
  Ingress(const Dialect& dialect, pipeline::Gateway& gateway, const policy::MasterKeyAuth& auth, RequestLimits limits)
      : dialect_(dialect), gateway_(gateway), auth_(auth), limits_(limits) {}
  boost::asio::awaitable<void> handle(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) override;

 private:
  const Dialect& dialect_;
  pipeline::Gateway& gateway_;
  const policy::MasterKeyAuth& auth_;
  RequestLimits limits_;
};

}  // namespace llmgw::frontends

// One call's money, from admission to the ledger (issue 11: budgets reserve, then reconcile):
//   phase 6  reserve(): the estimate (policy/budget_estimate: prompt from the body, output bound
//            by max_tokens or the model's maximum, capped by general_settings.max_budget_reservation)
//            on the dearest deployment of the pool, reserved against the key's and the team's
//            budgets in the ReservationStore, keyed by request id; a budget already used up
//            (stored spend + unwritten costs + calls in flight) is refused in the client's
//            dialect (429 budget_exceeded, naming the budget and when it resets);
//   phase 7  meter(): the dialect's Reply behind a MeteredReply (x-llmgw-cost as a header, or at
//            a stream's end as a comment line and a trailer; stream metering, budget_enforcement: cut);
//   phase 9  settle(): the call's exact cost (pricing/deployment_prices over the usage the
//            provider reported; a stream that ended without usage — the client left, the budget
//            cut it — is charged its estimate: the prompt estimate and one output token per
//            event relayed), the reservation replaced by that cost (a refund or a top-up), and
//            the ledger row. Every path through the ingress settles (refusals and failures
//            release), and a request id settles once: failovers and retries inside the call
//            change nothing, and a leftover reservation expires in the store.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical/api_error.hpp"
#include "frontends/metered_reply.hpp"
#include "limits/admit_companion.hpp"
#include "pipeline/gateway.hpp"
#include "policy/budget_estimate.hpp"
#include "policy/gatekeeper.hpp"
#include "policy/key_cache.hpp"
#include "policy/reservation_store.hpp"
#include "policy/spend_recorder.hpp"
#include "pricing/deployment_prices.hpp"

namespace llmgw::frontends {

/// What every ingress charges with (built once by main; each member outlives the ingresses).
struct Accounting {
  const pricing::DeploymentPrices* prices = nullptr;   // x-llmgw-cost; null: no prices at all
  policy::SpendRecorder* spend = nullptr;              // null: no database, no ledger
  policy::ReservationStore* reservations = nullptr;    // null: no budgets
  const policy::KeyCache* keys = nullptr;              // the freshest records at admission
  std::int64_t max_reservation_nano = 1'000'000'000;   // $1
  bool cut_streams = false;                            // budget_enforcement: cut
};

class CallAccount {
 public:
  CallAccount(const Accounting& accounting, const policy::Caller& caller, std::string_view request_id)
      : a_(accounting), caller_(caller), request_id_(request_id) {
    meter_.prices = a_.prices;
  }
  CallAccount(const CallAccount&) = delete;
  CallAccount& operator=(const CallAccount&) = delete;

  /// The estimate of the body as sent, as the dialect's scan tallied it (ScannedRequest::estimate):
  /// reserve() and join_admit() then price it instead of parsing the body again
  /// (policy::estimate_request, which they use when none was given).
  void use_estimate(const policy::RequestEstimate& estimate) { given_ = estimate; }

  /// Phase 6, after the gatekeeper admitted the caller. nullopt, or the refusal. Awaits the
  /// store's answer (Redis: one round trip on the loop's connection).
  boost::asio::awaitable<std::optional<canonical::ApiError>> reserve(const pipeline::Pool& pool, std::string_view body,
                                             llmgw_operation operation, std::int64_t now_ms);
  /// Whether reserve() likely goes to the store (a virtual key or its team with a budget, as
  /// phase 1 found them): worth starting alongside the rate limits' round trip. A hint only:
  /// reserve() reads the freshest records itself.
  bool likely_reserves() const;
  /// The reply the call answers through. `body`: the request as sent (outlives the call).
  /// `response`: where the answer's id, model and finish reasons go (null: not read).
  std::unique_ptr<pipeline::Reply> meter(std::unique_ptr<pipeline::Reply> reply, std::string_view body,
                                         telemetry::ResponseFacts* response = nullptr);
  /// Phase 9: settles the reservation and writes the ledger row. `call` gets the usage charged
  /// and its cost; returns the cost in nano-dollars (-1: no deployment answered, or it has no
  /// price).
  /// `body`: the request as sent (the prompt estimate of a stream that ended without usage).
  std::int64_t settle(policy::CallRecord& call, const pipeline::CallOutcome& outcome, bool stream,
                      std::string_view body, std::int64_t now_ms);

  /// A stream cut by budget_enforcement: cut.
  bool cut() const { return meter_.cut; }

  /// Whether reserve() can ride in the rate limits' admit script (a budget likely applies and
  /// the store is in the limits' Redis): join_admit(), the admit, conclude_joined().
  bool joins_admit() const;
  /// Phase 6 joined to the limits' admit: the reserve as `companion` (false: no budget applies,
  /// nothing to reserve; the admit runs alone).
  bool join_admit(const pipeline::Pool& pool, std::string_view body, llmgw_operation operation, std::int64_t now_ms,
                  limits::AdmitCompanion& companion);
  /// After the admit ran with `companion`: nullopt, or the budget's refusal (the limits' refusal
  /// is the limiter's; a companion the admit did not send reserves now, as reserve() does).
  boost::asio::awaitable<std::optional<canonical::ApiError>> conclude_joined(const limits::AdmitCompanion& companion);

  struct Named {
    const char* whose;
    store::Limits limits;  // as of now (budget_as_of)
  };

 private:
  /// What a reserve sends: the budgets that apply (none: nothing to reserve) and the estimate.
  struct Prepared {
    std::vector<policy::ScopeBudget> scopes;
    std::vector<Named> named;
    std::int64_t amount = 0;
    const pricing::ModelPrice* price = nullptr;  // the dearest of the pool
    std::int64_t now_ms = 0;
    std::int64_t visible_as_of = 0;
  };
  Prepared prepare(const pipeline::Pool& pool, std::string_view body, llmgw_operation operation, std::int64_t now_ms);
  /// The store's answer: nullopt (reserved, or not checked) or the refusal.
  std::optional<canonical::ApiError> conclude(const Prepared& p, const policy::ReserveResult& r);

  const Accounting& a_;
  const policy::Caller& caller_;
  std::string_view request_id_;
  StreamMeter meter_;
  policy::RequestEstimate estimate_;
  std::optional<policy::RequestEstimate> given_;  // use_estimate()'s
  bool reserved_ = false;
  Prepared joined_;  // join_admit's, read by conclude_joined
};

}  // namespace llmgw::frontends

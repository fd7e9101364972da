#include "frontends/call_accounting.hpp"

#include <algorithm>
#include <vector>

#include "observe/counters.hpp"
#include "policy/budget_period.hpp"
#include "policy/key_admission.hpp"
#include "pricing/decimal_price.hpp"

namespace llmgw::frontends {
namespace {

/// /metrics: llmgw_budget_reservations_total, _settled_total, llmgw_budget_refusals_total.
struct BudgetCounters {
  std::uint32_t reserved, settled, refused;
  BudgetCounters()
      : reserved(observe::counters().register_counter("llmgw", "budget_reservations",
                                                      "Budget reservations taken at admission")),
        settled(observe::counters().register_counter("llmgw", "budget_reservations_settled",
                                                     "Budget reservations settled with the call's cost")),
        refused(observe::counters().register_counter("llmgw", "budget_refusals",
                                                     "Calls refused: a key's or team's budget was used up")) {}
};

const BudgetCounters& budget_counters() {
  static const BudgetCounters c;
  return c;
}

std::string budget_text(const CallAccount::Named& n) {
  std::string m = std::string(n.whose) + " budget of $" + pricing::format_nano_usd(n.limits.budget_nano_usd);
  if (!n.limits.budget_period.empty()) m += " per " + n.limits.budget_period;
  return m;
}

canonical::ApiError budget_error(std::string message, std::int64_t reset_at, std::int64_t now_ms) {
  canonical::ApiError e{429, "rate_limit_error", "budget_exceeded", "", std::move(message)};
  if (reset_at > now_ms) e.retry_after_ms = reset_at - now_ms;
  return e;
}

std::string resets(const store::Limits& l) {
  return l.budget_reset_at > 0 ? "it resets at " + policy::format_utc(l.budget_reset_at) : "it does not reset";
}

}  // namespace

bool CallAccount::likely_reserves() const {
  if (!a_.reservations || !a_.keys || caller_.kind != policy::Caller::Kind::VirtualKey || !caller_.key) return false;
  return caller_.key->limits.budget_nano_usd >= 0 || (caller_.team && caller_.team->limits.budget_nano_usd >= 0);
}

CallAccount::Prepared CallAccount::prepare(const pipeline::Pool& pool, std::string_view body,
                                           llmgw_operation operation, std::int64_t now_ms) {
  Prepared p;
  p.now_ms = now_ms;
  if (!a_.reservations || !a_.keys || caller_.kind != policy::Caller::Kind::VirtualKey) return p;
  // The freshest records: the cache's time first, then its snapshot (at least that fresh).
  p.visible_as_of = a_.keys->fresh_as_of_ms();
  const auto snapshot = a_.keys->snapshot();
  const store::KeyRecord* key = snapshot->key(caller_.key->key_hash);
  if (!key) key = caller_.key;
  const store::TeamRecord* team = key->team_id.empty() ? nullptr : snapshot->team(key->team_id);
  if (!team) team = caller_.team;

  // Each scope's stored spend is as of its record's updated_at: the commits stamped after it count on top.
  auto add = [&](const char* whose, const char* prefix, const std::string& id, const store::Limits& raw,
                 std::int64_t updated_at) {
    if (raw.budget_nano_usd < 0) return;  // no budget: nothing to reserve (and no allocation)
    std::string scope = prefix + id;
    const store::Limits l = policy::budget_as_of(raw, now_ms);
    const auto period = policy::parse_budget_period(l.budget_period);
    const std::int64_t start = period && l.budget_reset_at > 0 ? policy::period_start(*period, l.budget_reset_at) : 0;
    p.scopes.push_back(policy::ScopeBudget{std::move(scope), l.budget_nano_usd, l.spend_nano_usd, start, updated_at + 1});
    p.named.push_back(Named{whose, l});
  };
  add("this key's", "key:", key->key_hash, key->limits, key->updated_at);
  if (team) add("this key's team's", "team:", team->team_id, team->limits, team->updated_at);
  if (p.scopes.empty()) return p;

  estimate_ = given_ ? *given_ : policy::estimate_request(body);
  // The dearest deployment of the pool: the call may land on any of them.
  for (const pipeline::Deployment* d : pool) {
    const pricing::ModelPrice* price = a_.prices ? a_.prices->find(d->cfg.id) : nullptr;
    if (!price) continue;
    const std::int64_t r =
        policy::reservation_nano(*price, estimate_, operation != LLMGW_OP_EMBEDDINGS, a_.max_reservation_nano);
    if (!p.price || r > p.amount) {
      p.amount = r;
      p.price = price;
    }
  }
  return p;
}

std::optional<canonical::ApiError> CallAccount::conclude(const Prepared& p, const policy::ReserveResult& r) {
  if (r.refused == -2) return std::nullopt;  // not checked (the limits refused): nothing held
  if (r.refused >= 0) {
    observe::counters().add(budget_counters().refused, 1);
    const Named& n = p.named[static_cast<std::size_t>(r.refused)];
    return budget_error(budget_text(n) + " is used up ($" + pricing::format_nano_usd(r.used_nano) +
                            " spent or held by calls in flight); " + resets(n.limits),
                        n.limits.budget_reset_at, p.now_ms);
  }
  reserved_ = true;
  observe::counters().add(budget_counters().reserved, 1);
  if (a_.cut_streams && p.price) {
    meter_.cut_enabled = true;
    meter_.price = p.price;
    meter_.prompt_tokens = estimate_.prompt_tokens;
    meter_.headroom_nano = r.headroom_nano;
    std::string which = p.named.size() == 1 ? budget_text(p.named[0]) : "the budget of this key or its team";
    meter_.cut_error = canonical::ApiError{429, "rate_limit_error", "budget_exceeded", "",
                                           which + " is used up: the stream was cut (budget_enforcement: cut)"};
  }
  return std::nullopt;
}

boost::asio::awaitable<std::optional<canonical::ApiError>> CallAccount::reserve(const pipeline::Pool& pool,
                                                                               std::string_view body,
                                                                               llmgw_operation operation,
                                                                               std::int64_t now_ms) {
  Prepared p = prepare(pool, body, operation, now_ms);
  if (p.scopes.empty()) co_return std::nullopt;
  const policy::ReserveResult r = co_await a_.reservations->reserve_async(std::string(request_id_), p.scopes, p.amount,
                                                                          now_ms, p.visible_as_of);
  co_return conclude(p, r);
}

bool CallAccount::joins_admit() const { return likely_reserves() && a_.reservations->joins_admit(); }

bool CallAccount::join_admit(const pipeline::Pool& pool, std::string_view body, llmgw_operation operation,
                             std::int64_t now_ms, limits::AdmitCompanion& companion) {
  joined_ = prepare(pool, body, operation, now_ms);
  if (joined_.scopes.empty()) return false;
  a_.reservations->join_admit(companion, std::string(request_id_), joined_.scopes, joined_.amount, now_ms,
                              joined_.visible_as_of);
  return true;
}

boost::asio::awaitable<std::optional<canonical::ApiError>> CallAccount::conclude_joined(
    const limits::AdmitCompanion& companion) {
  Prepared p = std::move(joined_);
  policy::ReserveResult r;
  if (companion.state == limits::AdmitCompanion::State::NotSent) {  // no limit applied: the reserve alone
    policy::ReserveResult alone = co_await a_.reservations->reserve_async(std::string(request_id_), p.scopes, p.amount,
                                                                          p.now_ms, p.visible_as_of);
    r = alone;
  } else {
    r = a_.reservations->joined_result(companion, std::string(request_id_), p.scopes, p.amount, p.now_ms,
                                       p.visible_as_of);
  }
  co_return conclude(p, r);
}

std::unique_ptr<pipeline::Reply> CallAccount::meter(std::unique_ptr<pipeline::Reply> reply, std::string_view body,
                                                   telemetry::ResponseFacts* response) {
  meter_.body = body;
  meter_.response = response;
  return std::make_unique<MeteredReply>(std::move(reply), meter_);
}

std::int64_t CallAccount::settle(policy::CallRecord& call, const pipeline::CallOutcome& outcome, bool stream,
                                 std::string_view body, std::int64_t now_ms) {
  llmgw_usage usage = outcome.usage;
  std::int64_t cost = -1;
  // Priced deployments only: an unpriced one costs 0 in the ledger and shows no figure.
  if (outcome.deployment && a_.prices && a_.prices->find(outcome.deployment->cfg.id)) {
    // A stream that ended early (cut, the client left, broken) may have no usage, or only the
    // input half: it is charged what it streamed (one output token per event at least).
    const bool early = meter_.cut || outcome.status == 499 || outcome.broke_after_commit;
    if (stream) usage = charged_stream_usage(usage, meter_.events, early, body);
    if (meter_.answer_cost_nano >= 0) {
      cost = meter_.answer_cost_nano;  // the figure x-llmgw-cost carried (header, or a stream's end)
    } else {
      const pricing::TokenUsage u{usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens,
                                  usage.cache_creation_tokens, usage.reasoning_tokens};
      cost = a_.prices->cost_nano_usd(outcome.deployment->cfg.id, u);
    }
  }
  if (reserved_) {
    // Counted only when the store still held it (not expired, not settled twice).
    if (a_.reservations->settle(request_id_, std::max<std::int64_t>(cost, 0), now_ms))
      observe::counters().add(budget_counters().settled, 1);
    reserved_ = false;
  }
  call.usage = usage;
  call.cost_nano_usd = std::max<std::int64_t>(cost, 0);
  if (a_.spend) a_.spend->record(caller_, call);
  return cost;
}

}  // namespace llmgw::frontends

#include "frontends/ingress.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>

#include <cstdint>
#include <exception>
#include <string>

#include "frontends/client_connection_watch.hpp"
#include "frontends/guard_phase.hpp"
#include "frontends/request_headers.hpp"
#include "frontends/request_id.hpp"
#include "canonical/clock.hpp"
#include "frontends/routing_fields.hpp"
#include "observe/access_log.hpp"
#include "pricing/decimal_price.hpp"
#include "server/request.hpp"
#include "server/request_body.hpp"
#include "server/send.hpp"
#include "telemetry/request_metrics.hpp"
#include "telemetry/telemetry.hpp"
#include "util/started.hpp"

namespace llmgw::frontends {
namespace {

using canonical::ApiError;

/// Phase 6's round trips: the rate limits (limits/rate_limiter) and the budget reservation
/// (frontends/call_accounting). With both in Redis, one script: the limits' admit carries the
/// reserve (limits::AdmitCompanion, policy::admit_reserve_script), all or nothing in Redis, so a
/// refusal on either side reserves nothing on the other. Otherwise, when both apply, the
/// reservation is started first and runs alongside the limits, so that their two scripts are in
/// flight together: one round trip instead of two. The limits' refusal wins. Whatever the other
/// side held is given back in phase 9 as for any refused call (the reservation settles at cost
/// 0); a call the budget refuses gives back all the limits took (Ticket::release: the request,
/// its tokens, its slots).
boost::asio::awaitable<std::optional<ApiError>> limit_and_reserve(limits::RateLimiter* limiter,
                                                                  const pipeline::Pool& pool,
                                                                  const policy::Caller& caller, std::string_view model,
                                                                  std::string_view sent, llmgw_operation operation,
                                                                  CallAccount& account, limits::Ticket& ticket,
                                                                  int64_t now_unix_ms) {
  const bool limited = limiter && caller.key;
  std::optional<ApiError> refused;
  if (limited && limiter->shared() && account.joins_admit()) {
    // Limits and budget in one Redis script (limits::AdmitCompanion): all or nothing there, so a
    // budget refusal has nothing to give back.
    limits::AdmitCompanion companion;
    if (account.join_admit(pool, sent, operation, canonical::unix_ms(), companion)) {
      std::optional<ApiError> r = co_await limiter->admit(*caller.key, caller.team, model, sent, ticket, &companion);
      refused = std::move(r);
      std::optional<ApiError> over = co_await account.conclude_joined(companion);
      if (!refused && over) {
        refused = std::move(over);
        ticket.release();  // (empty when the joined script refused; a reserve run apart took nothing back)
      }
      co_return refused;
    }
  }
  if (!limited || !account.likely_reserves()) {  // one side (or neither): nothing to overlap
    if (limited) {
      std::optional<ApiError> r = co_await limiter->admit(*caller.key, caller.team, model, sent, ticket);
      refused = std::move(r);
    }
    if (!refused) {
      // Unix time: the caller's reading when nothing has suspended since (no limits to ask).
      const int64_t now = limited ? canonical::unix_ms() : now_unix_ms;
      std::optional<ApiError> over = co_await account.reserve(pool, sent, operation, now);
      refused = std::move(over);
      if (refused) ticket.release();  // admitted by the limits, not made: not counted either
    }
    co_return refused;
  }
  const boost::asio::any_io_executor loop = co_await boost::asio::this_coro::executor;
  util::Started<std::optional<ApiError>> budget(loop, account.reserve(pool, sent, operation, now_unix_ms));
  std::exception_ptr failed;  // the reservation refers to this frame: awaited before anything leaves it
  try {
    std::optional<ApiError> r = co_await limiter->admit(*caller.key, caller.team, model, sent, ticket);
    refused = std::move(r);
  } catch (...) {
    failed = std::current_exception();
  }
  std::optional<ApiError> over = co_await budget.result();
  if (failed) std::rethrow_exception(failed);
  if (!refused && over) {
    refused = std::move(over);
    ticket.release();  // the budget refused what the limits admitted: all or nothing
  }
  co_return refused;
}

/// Phases 3 and 4: scan the body, cut out the client's routing fields and scan what is left
/// (the model the call routes on is the one in the bytes that go on). `sent` ends pointing at
/// the body as it goes on.
std::optional<ApiError> scan_and_take_routing(const Dialect& dialect, const server::Request& request,
                                              pipeline::CallContext& context, unsigned max_depth,
                                              ScannedRequest& scanned, RoutingFields& routing, std::string_view& sent) {
  if (auto rejected = dialect.scan(context.client_body, scanned, max_depth)) return rejected;
  sent = context.client_body;
  if (auto rejected = take_routing_fields(request, scanned.routing_fields, sent, context.cleaned_body, routing, max_depth))
    return rejected;
  if (sent.data() == context.cleaned_body.data()) {  // the cut body
    scanned = ScannedRequest{};
    return dialect.scan(context.cleaned_body, scanned, max_depth);
  }
  return std::nullopt;
}

/// Phase 5: the alias's pool, and every fallback the client named must be an alias too.
std::optional<ApiError> find_pool(const Dialect& dialect, const pipeline::Gateway& gateway,
                                  const ScannedRequest& scanned, const RoutingFields& routing,
                                  const pipeline::Pool*& pool) {
  pool = gateway.pool(scanned.model);
  if (!pool) return dialect.model_not_found(scanned.model);
  return unknown_fallback(gateway, routing, "invalid_request_error");
}

}  // namespace

boost::asio::awaitable<void> Ingress::handle(server::Request& request,
                                             server::Response& response) {
  const observe::AccessTimer timer;
  // The config this request runs on, held to its end (a reload swaps the slot, never this).
  const std::shared_ptr<const Runtime> runtime = runtime_.current();
  pipeline::Gateway& gateway = *runtime->gateway;
  const Accounting& accounting = runtime->accounting;
  const guard::GuardChain* const guards = runtime->guards.get();
  telemetry::Telemetry& sinks = *runtime->telemetry;
  const telemetry::InFlight in_flight(telemetry::route_of(dialect_.id(), dialect_.operation()));
  observe::AccessRecord record;
  record.method = request.method();
  record.path = request.uri();
  // The call's buffers, reused from call to call on this loop (never per thread: calls interleave).
  pipeline::CallContextPtr context = pipeline::acquire_call_context();
  context->trace = observe::trace_for_request(request.header("traceparent").value_or(std::string_view()));  // W3C trace context
  context->propagate_trace = context->trace.from_client || sinks.has_sinks();
  ClientConnectionWatch client(server::client_io(request));
  ScannedRequest scanned;  // outlives the access record's views
  RoutingFields routing;
  std::string_view sent;   // the body as it goes on: without the client's routing fields
  std::string guarded;     // the body after input guardrails redacted (when they did)
  // Whether sinks with include_bodies may see `sent`: with guardrails, only once the input phase
  // passed it (redacted where they redacted). A blocked request, a failed guardrail and a request
  // refused before that phase carry no body: it may hold what the guardrail exists to keep out.
  bool body_for_sinks = guards == nullptr;
  policy::Caller caller;  // before the guardrails' state and the reply: their scope views its key
  guard::GuardCalls guard_calls;  // the guardrails' per-call state; closed after the reply is gone
  std::unique_ptr<pipeline::Reply> reply;
  pipeline::CallOutcome outcome;
  limits::Ticket limit_ticket;  // what the rate limits reserved; settled in phase 9
  const std::string request_id = accounting.spend ? new_request_id(canonical::unix_ms()) : std::string();
  CallAccount account(accounting, caller, request_id);
  telemetry::ResponseFacts answer;  // gen_ai.response.*, read only when a sink will get the event
  try {
    // 1. auth
    std::optional<ApiError> rejected = gate_.identify(request.headers(), caller);
    if (rejected) rejected->close_connection = true;  // its body is not read: do not reuse the connection
    // 2. body
    else if (!server::read_json_body_now(request, limits_.max_body_bytes, context->client_body, rejected)) {
      // Only a body still on its way is awaited (a frame); one that came with its head is not.
      std::optional<ApiError> rest = co_await server::read_json_body_rest(request, limits_.max_body_bytes,
                                                                          context->client_body);
      rejected = std::move(rest);
    }
    // 3, 4. scan, routing fields
    if (!rejected)
      rejected = scan_and_take_routing(dialect_, request, *context, limits_.max_json_depth, scanned, routing, sent);
    // 5. model table
    const pipeline::Pool* pool = nullptr;
    if (!rejected) {
      record.model = scanned.model;
      record.stream = scanned.stream;
      rejected = find_pool(dialect_, gateway, scanned, routing, pool);
    }
    // 6. before the call: the key's terms, the rate limits, the budget reservation, the input
    //    guardrails.
    // One reading of Unix time for the key's terms and the budget reservation (same loop turn).
    const int64_t admitted_unix_ms = rejected ? 0 : canonical::unix_ms();
    if (!rejected) rejected = gate_.admit(caller, scanned.model, admitted_unix_ms);
    if (!rejected) {
      account.use_estimate(scanned.estimate);  // `scanned` is the scan of `sent` (phase 3, 4)
      std::optional<ApiError> limited = co_await limit_and_reserve(rate_limiter_, *pool, caller, scanned.model, sent,
                                                                   dialect_.operation(), account, limit_ticket,
                                                                   admitted_unix_ms);
      rejected = std::move(limited);
    }
    limit_ticket.set_headers(response);
    if (!rejected && guards) {
      rejected = guard_input(*guards, guard_calls, dialect_, limits_.max_json_depth, caller, scanned, sent, guarded);
      body_for_sinks = !rejected;
    }
    if (!request_id.empty()) response.set("x-llmgw-request-id", request_id);
    if (rejected) {
      server::send_error(response, *rejected, dialect_.errors());
      record.status = rejected->status;
    } else if (std::optional<std::string> local = dialect_.local_answer(*pool, sent)) {
      server::send_json(response, 200, *local);
      record.status = 200;
    } else {
      // 7. the call (8, output guardrails, will sit in the Reply)
      header_views(request, context->client_headers);
      reply = dialect_.make_reply(response, scanned, limits_);
      if (guards)
        reply = guard_output(*guards, guard_calls, dialect_, caller, scanned.model, limits_.max_json_depth,
                             std::move(reply));
      reply = account.meter(std::move(reply), sent, sinks.has_sinks() ? &answer : nullptr);
      pipeline::CallInput input;
      input.dialect = dialect_.id();
      input.operation = dialect_.operation();
      input.body = sent;
      input.model = scanned.model;
      input.model_begin = scanned.model_begin;
      input.model_end = scanned.model_end;
      input.stream = scanned.stream;
      input.to_canonical = dialect_.to_canonical();
      input.to_canonical_ctx = &limits_;
      input.client_headers = &context->client_headers;
      input.client = &client;
      input.context = context.get();
      if (routing.present) input.fallbacks = &routing.fallbacks;
      outcome = co_await gateway.execute(input, *pool, *reply);
      outcome.fill(record);
    }
  } catch (const std::exception& e) {
    spdlog::error("{}: unexpected error: {}", dialect_.name(), e.what());
    if (!response.sent() && !(reply && reply->committed()))
      server::send_error(response, ApiError{500, "api_error", "internal_error", "", "internal gateway error"},
                         dialect_.errors());
    record.status = 500;
  }
  // 9. accounting: the cost, the reservation settled, the spend-ledger row, the access record,
  //    the metrics and the sink event (telemetry/). The rate limits' token count is corrected.
  limit_ticket.settle(limits::actual_tokens(outcome.usage));
  policy::CallRecord call;
  call.request_id = request_id;
  call.alias = scanned.model;
  if (const pipeline::Deployment* d = outcome.deployment) {
    call.deployment = d->cfg.id;
    call.provider = d->cfg.provider;
    call.model = d->cfg.model;
  }
  if (account.cut()) record.status = 200;  // the stream answered 200 and ended with its error event
  call.status = record.status;
  record.latency_us = timer.elapsed_us();
  call.latency_ms = record.latency_us / 1000;
  call.ttft_ms = outcome.ttft_us < 0 ? -1 : outcome.ttft_us / 1000;
  const int64_t cost = account.settle(call, outcome, scanned.stream, sent, canonical::unix_ms());
  std::string cost_text;
  if (cost >= 0) cost_text = pricing::format_nano_usd(cost);
  record.cost = cost_text;
  observe::log_access(record);
  telemetry::RequestFacts facts = telemetry::facts_of(record, outcome, caller, request_id, *context, dialect_.id(),
      dialect_.operation(), body_for_sinks ? sent : std::string_view(), gateway.pool(record.model) != nullptr, timer.started_ns, cost,
      scanned.cache_requested);
  facts.guardrails = &guard_calls.timings();
  facts.response = &answer;
  sinks.finish_request(std::move(facts));
}

}  // namespace llmgw::frontends

// Gateway::execute, the call: which deployment a call tries next, when it waits, and when it gives up —
// retries within an alias, fallbacks across aliases, cooldowns and the request deadline.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "pipeline/backoff.hpp"
#include "pipeline/gateway.hpp"
#include "pipeline/retry_gate.hpp"
#include "routing/health.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace llmgw::pipeline {
namespace {

using canonical::ApiError;

/// Waits `ms` on a timer (the loop serves others meanwhile), returning early (false) when the
/// client closed its connection.
boost::asio::awaitable<bool> wait_for_client(int64_t ms, ClientWatch* client) {
  if (client) {
    const bool stayed = co_await client->sleep_unless_gone(ms);
    co_return stayed;
  }
  const auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor, std::chrono::milliseconds(ms));
  co_await timer.async_wait(boost::asio::use_awaitable);
  co_return true;
}

int64_t backoff_ms(int n, int64_t base_ms, int64_t min_ms, int64_t retry_after_ms) {
  thread_local std::minstd_rand rng{std::random_device{}()};  // no suspension inside: safe per thread
  return pipeline::backoff_ms(n, base_ms, min_ms, retry_after_ms, rng);
}

/// The chain's fallback links after `alias`: `requested` if the client gave a list, else the
/// configured chain; aliases already in the chain, and unknown ones, are skipped.
template <class Lookup>
void add_links(std::vector<Link>& chain, const std::vector<std::string>* chain_names, int max_fallbacks,
               const Lookup& lookup) {
  if (!chain_names) return;
  int added = 0;
  for (const std::string& name : *chain_names) {
    if (added >= max_fallbacks) break;
    const Pool* p = lookup(name);
    if (!p) continue;
    if (std::any_of(chain.begin(), chain.end(), [&](const Link& l) { return l.pool == p; })) continue;
    chain.push_back(Link{name, p});
    ++added;
  }
}


/// Telemetry: an attempt starts (its span id is the traceparent the attempt sends upstream).
void begin_attempt_trace(CallContext& ctx, const Deployment* d, std::string_view alias, bool retry, bool fallback,
                         int64_t now_us) {
  AttemptTrace& t = ctx.attempt_log.emplace_back();
  t.deployment = d;
  t.alias = alias;
  t.start_us = now_us;
  t.span = observe::new_span_id();
  t.retry = retry;
  t.fallback = fallback;
}

/// Telemetry: how the attempt begun last ended.
void end_attempt_trace(CallContext& ctx, const CallOutcome& outcome, const canonical::ApiError* held, bool cooled,
                       int64_t now_us) {
  if (ctx.attempt_log.empty()) return;
  AttemptTrace& t = ctx.attempt_log.back();
  t.duration_us = now_us - t.start_us;
  t.ttft_us = outcome.ttft_us;
  t.status = held ? held->status : outcome.status;
  t.cooled = cooled;
  if (held) {
    t.error_class = held->error_class;
    const std::size_t n = std::min(held->type.size(), sizeof t.error_type - 1);
    held->type.copy(t.error_type, n);
    t.error_type[n] = '\0';
  }
}

}  // namespace

Gateway::Verdict Gateway::judge(const RetryGate& gate, const CallOutcome& outcome) {
  if (!gate.holding())
    return outcome.broke_after_commit || gate.stream_failed() || outcome.status >= 400 ? Verdict::Final : Verdict::Success;
  // The upstream took the request and answered 2xx (then something went wrong decoding it):
  // sending it again could run it twice.
  if (outcome.upstream_accepted) return Verdict::Final;
  const canonical::ApiError& e = gate.held_error();
  if (e.error_class == LLMGW_ERR_CONTEXT_WINDOW) return Verdict::ContextWindow;
  if (e.error_class == LLMGW_ERR_CONTENT_POLICY) return Verdict::ContentPolicy;
  return retryable_status(e.status) ? Verdict::Retry : Verdict::Final;
}

boost::asio::awaitable<CallOutcome> Gateway::execute(const CallInput& input, const Pool& pool, Reply& reply) {
  // The steady clock, read once per stretch of this coroutine that runs without suspending and
  // again after each co_await (canonical::steady_us: the µs of the attempt traces, / 1000 the
  // ms of every deadline): ~6 reads an attempt were one moment's.
  int64_t now_us = canonical::steady_us();
  const int64_t start = now_us / 1000;
  const int64_t deadline = start + static_cast<int64_t>(router_.timeout_s * 1000);
  const int64_t max_wait = static_cast<int64_t>(router_.max_retry_wait_s * 1000);
  const int64_t min_backoff = static_cast<int64_t>(router_.retry_after_s * 1000);
  const int64_t base_backoff = std::max<int64_t>(min_backoff, 100);
  const auto lookup = [this](std::string_view alias) { return this->pool(alias); };

  std::vector<Link>& chain = input.context->chain;
  std::vector<const Deployment*>& tried = input.context->tried;
  chain.clear();
  tried.clear();
  chain.push_back(Link{input.model, &pool});
  add_links(chain, input.fallbacks ? input.fallbacks : models_.chain(ModelTable::Chain::Fallbacks, input.model), router_.max_fallbacks, lookup);

  RetryGate gate(reply, input.context->held_headers);
  CallOutcome outcome;
  int attempts = 0;
  int64_t soonest_ms = -1;    // when the first cooling deployment returns
  bool switched = false;      // a context-window / content-policy chain replaced the fallbacks
  for (std::size_t link = 0; link < chain.size(); ++link) {
    const Pool& p = *chain[link].pool;
    const bool last_link = link + 1 == chain.size();
    int64_t retry_after_ms = -1;  // the last failure's Retry-After on this alias
    int retries = 0;              // attempts on deployments this call already tried
    for (;;) {
      const int64_t probe_ms = std::max<int64_t>(deadline - now_us / 1000, 0) + 1000;
      bool probe = false;
      int64_t pool_soonest = -1;
      Deployment* d = routing::choose(strategy_, p, tried, input.stream, probe_ms, &probe, &pool_soonest, now_us / 1000);
      if (pool_soonest >= 0 && (soonest_ms < 0 || pool_soonest < soonest_ms)) soonest_ms = pool_soonest;
      bool waited = false;
      if (!d) {
        // Everything here is cooling down. With nowhere else to go, a call that already
        // failed once (and may retry) waits for the first to return, if that fits its deadline.
        if (attempts == 0 || !last_link || retries >= router_.num_retries || pool_soonest < 0 ||
            pool_soonest > max_wait || now_us / 1000 + pool_soonest >= deadline)
          break;
        const bool stayed = co_await wait_for_client(pool_soonest, input.client);
        if (!stayed) { outcome.status = 499; co_return outcome; }
        now_us = canonical::steady_us();
        d = routing::choose(strategy_, p, tried, input.stream, probe_ms, &probe, &pool_soonest, now_us / 1000);
        if (!d) break;
        waited = true;
      }
      if (std::find(tried.begin(), tried.end(), d) != tried.end()) {
        // Every healthy deployment here was tried: this is a retry, after a backoff.
        if (retries >= router_.num_retries) {
          if (probe) d->state.release_probe();  // not sent after all
          break;
        }
        ++retries;
        const int64_t wait = waited ? 0 : backoff_ms(retries, base_backoff, min_backoff, retry_after_ms);
        if (wait > max_wait || now_us / 1000 + wait >= deadline) {
          if (probe) d->state.release_probe();
          break;
        }
        if (wait > 0) {
          const bool stayed = co_await wait_for_client(wait, input.client);
          if (!stayed) { outcome.status = 499; co_return outcome; }
          now_us = canonical::steady_us();
        }
      }
      const bool repeat = std::find(tried.begin(), tried.end(), d) != tried.end();
      tried.push_back(d);
      begin_attempt_trace(*input.context, d, chain[link].alias, repeat, link > 0, now_us);
      gate.begin_attempt(d->cfg.id, ++attempts);
      d->state.on_start(canonical::unix_ms());
      const int64_t attempt_start = now_us / 1000;
      outcome = co_await execute_once(input, *d, gate, deadline);
      now_us = canonical::steady_us();
      const Verdict verdict = judge(gate, outcome);
      if (gate.holding()) gate.clamp_retry_after(health_.max_retry_after_ms);
      retry_after_ms = gate.holding() ? gate.held_error().retry_after_ms : -1;
      const int64_t tokens = std::max<int64_t>(outcome.usage.prompt_tokens, 0) + std::max<int64_t>(outcome.usage.completion_tokens, 0);
      const bool failed = verdict == Verdict::Retry || outcome.broke_after_commit || gate.stream_failed();
      d->state.on_end((now_us / 1000 - attempt_start) * 1000, tokens, failed, canonical::unix_ms());
      if (outcome.ttft_us >= 0) d->state.on_first_byte(outcome.ttft_us);
      const routing::AttemptEnd end{verdict == Verdict::Success, failed, retry_after_ms, probe,
                                    p.size() > 1 || chain.size() > 1};
      const int64_t cooled = routing::record_attempt(d->state, health_, end);
      if (cooled) spdlog::warn("deployment {} cooling down for {} ms", d->cfg.id, cooled);
      end_attempt_trace(*input.context, outcome, gate.holding() ? &gate.held_error() : nullptr, cooled > 0, now_us);
      outcome.attempts = attempts;
      if (outcome.status == 499 || verdict == Verdict::Success) co_return outcome;
      if (verdict == Verdict::ContextWindow || verdict == Verdict::ContentPolicy) {
        // No retry here fixes these; their own chain (else the general fallbacks) might.
        const auto* special = models_.chain(verdict == Verdict::ContextWindow ? ModelTable::Chain::ContextWindow
                                                                                  : ModelTable::Chain::ContentPolicy,
                                          chain[link].alias);
        if (special && !switched) {
          chain.resize(link + 1);
          add_links(chain, special, router_.max_fallbacks, lookup);
          switched = true;
        }
        break;
      }
      if (verdict == Verdict::Final) {
        gate.release();
        co_return outcome;
      }
      if (now_us / 1000 >= deadline) break;
      spdlog::debug("deployment {} failed ({}), trying again", d->cfg.id, gate.held_error().status);
    }
    if (now_us / 1000 >= deadline) break;
  }
  if (gate.holding()) {
    gate.release();
    co_return outcome;
  }
  if (attempts == 0) {  // every deployment is cooling down: say when to come back
    canonical::ApiError e{429, "rate_limit_error", "deployments_cooling_down", "",
               "Every deployment of '" + std::string(input.model) + "' is cooling down after failures; retry later."};
    e.retry_after_ms = soonest_ms;
    reply.error(e);
    outcome.status = 429;
    outcome.attempts = 0;
  }
  co_return outcome;
}

}  // namespace llmgw::pipeline

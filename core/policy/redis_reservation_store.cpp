#include "policy/redis_reservation_store.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "canonical/clock.hpp"
#include "observe/counters.hpp"
#include "policy/budget_reply.hpp"
#include "policy/budget_scripts.hpp"
#include "shared_state/redis_client.hpp"

namespace llmgw::policy {
namespace {

/// This thread's loop connection and settle batch of each store (one store in a gateway; tests run two).
struct LoopConnection {
  const void* owner;
  limits::AsyncRedis* redis;
  SettleBatch* settles;
};
thread_local std::vector<LoopConnection> loop_connections;

const LoopConnection* this_loop(const void* store) {
  for (const LoopConnection& c : loop_connections)
    if (c.owner == store) return &c;
  return nullptr;
}

constexpr std::size_t kReserveKeys = 7;  // per scope (policy/budget_scripts.hpp)

/// Settles wait at most this long for company (policy/settle_batch.hpp): the limits' finish
/// delay, so that the loop's two batches go together (AsyncRedis::flush_batches); a reserve on
/// the loop takes them sooner, in its own write.
constexpr std::chrono::milliseconds kSettleBatchDelay{5};

/// A call admitted with less than this many calls of its estimate left in some budget (its own
/// included) is near the budget's end, where its hold can refuse a next call that its cost would
/// let through: on this instance or another, and twice over when the ledger writer's commit
/// (0-100 ms after the call) counts the cost before the batch replaced the hold. Its settle is
/// not batched: it goes at once, before the client has the answer it could follow with that next
/// call. Far from the end, a hold visible a few ms longer refuses nothing.
constexpr std::int64_t kTightCalls = 4;

/// Whether a call reserving `amount_nano` with `headroom_nano` left before it is near the end.
bool near_budget_end(std::int64_t headroom_nano, std::int64_t amount_nano) {
  return headroom_nano / kTightCalls <= std::max<std::int64_t>(amount_nano, 0);
}

/// A scope's reserve KEYS in a budget period (push_reserve_keys), made once per loop thread:
/// seven strings of five to seven pieces each on every governed request otherwise (~5k
/// instructions). The scopes a loop sees are few; past kKeptScopes the cache starts again.
const std::vector<std::string>& reserve_keys_of(const std::string& scope, std::int64_t period_start_ms) {
  constexpr std::size_t kKeptScopes = 4096;
  struct Made {
    std::int64_t period_start_ms;
    std::vector<std::string> keys;
  };
  thread_local std::unordered_map<std::string, Made> made;
  auto it = made.find(scope);
  if (it != made.end() && it->second.period_start_ms == period_start_ms) return it->second.keys;
  if (it == made.end()) {
    if (made.size() >= kKeptScopes) made.clear();
    it = made.emplace(scope, Made{}).first;
  }
  it->second.period_start_ms = period_start_ms;
  it->second.keys.clear();
  push_reserve_keys(it->second.keys, scope, period_start_ms);
  return it->second.keys;
}

/// The reserve script's KEYS (appended to `keys`) and ARGV after the request id (to `args`).
void reserve_arguments(std::vector<std::string>& keys, std::vector<std::string>& args,
                       const std::vector<ScopeBudget>& scopes, std::int64_t amount_nano, std::int64_t now_ms,
                       std::int64_t visible_as_of_ms, std::int64_t ttl_ms, std::int64_t charge_ttl_ms) {
  for (const ScopeBudget& s : scopes) {
    const std::vector<std::string>& made = reserve_keys_of(s.scope, s.period_start_ms);
    keys.insert(keys.end(), made.begin(), made.end());
  }
  args.push_back(std::to_string(amount_nano < 0 ? 0 : amount_nano));
  args.push_back(std::to_string(now_ms));
  args.push_back(std::to_string(visible_as_of_ms));
  args.push_back(std::to_string(ttl_ms));
  args.push_back(std::to_string(charge_ttl_ms));
  args.push_back(std::to_string(scopes.size()));
  for (const ScopeBudget& s : scopes) {
    args.push_back(std::to_string(s.budget_nano));
    args.push_back(std::to_string(s.stored_spend_nano));
    args.push_back(std::to_string(s.period_start_ms));
  }
  for (const ScopeBudget& s : scopes) args.push_back(std::to_string(s.visible_as_of_ms));  // 0: the call's
}

}  // namespace

RedisReservationStore::RedisReservationStore(limits::RedisEndpoint endpoint, std::chrono::milliseconds timeout,
                                             std::int64_t ttl_ms, std::int64_t charge_ttl_ms)
    : endpoint_(std::move(endpoint)),
      timeout_(timeout),
      ttl_ms_(ttl_ms),
      charge_ttl_ms_(charge_ttl_ms),
      fallback_(ttl_ms, charge_ttl_ms) {
  unavailable_counter_ = observe::counters().register_counter(
      "llmgw", "budget_redis_unavailable",
      "Budget reservations Redis could not take in time (held by this instance instead)");
}

RedisReservationStore::~RedisReservationStore() = default;

void RedisReservationStore::on_loop_start(boost::asio::io_context& io) {
  std::shared_ptr<limits::AsyncRedis> redis = limits::AsyncRedis::on_loop(io, endpoint_);  // shared with the limits
  // The charge keys live the reservation ttl + the charge ttl after a settle, renewed when less
  // than the charge ttl + half the reservation ttl is left (a charge outlives its charge ttl).
  const SettleBatch::Expiry expiry{ttl_ms_ + charge_ttl_ms_, charge_ttl_ms_ + ttl_ms_ / 2};
  auto settles = std::make_unique<SettleBatch>(io, *redis, expiry, kSettleBatchDelay);
  bool bound = false;
  for (LoopConnection& c : loop_connections)
    if (c.owner == this) c.redis = redis.get(), c.settles = settles.get(), bound = true;
  if (!bound) loop_connections.push_back(LoopConnection{this, redis.get(), settles.get()});
  std::lock_guard lock(loops_mutex_);
  loops_.push_back(std::move(redis));
  settles_.push_back(std::move(settles));
}

void RedisReservationStore::release_loop_connections() {
  // (Other loop threads' entries are rebound by the next on_loop_start of a store at this address.)
  std::erase_if(loop_connections, [this](const LoopConnection& c) { return c.owner == this; });
  std::vector<std::vector<std::string>> left;
  {
    std::lock_guard lock(loops_mutex_);
    // The loops stopped: the settles still waiting for their batch's delay go on the blocking
    // connection, so a gateway that drains charges every call it answered.
    for (const std::unique_ptr<SettleBatch>& batch : settles_)
      for (std::vector<std::string>& script : batch->take_scripts()) left.push_back(std::move(script));
    settles_.clear();
    loops_.clear();
  }
  if (!left.empty()) send_blocking(left, "settling the last calls");
}

void RedisReservationStore::send_blocking(const std::vector<std::vector<std::string>>& scripts, const char* what) {
  std::lock_guard lock(commit_mutex_);
  if (!commit_client_)
    commit_client_ = std::make_unique<shared_state::RedisClient>(endpoint_, std::chrono::milliseconds(1000));
  // Redis down: one connect attempt a second, not one per batch (the writer thread must go on).
  if (!commit_client_->connected()) {
    const std::int64_t now = canonical::steady_ms();
    if (now < next_commit_connect_ms_) return;
    if (!commit_client_->connect()) {
      next_commit_connect_ms_ = now + 1000;
      spdlog::warn("budgets: Redis unreachable {}: {}", what, commit_client_->error());
      return;
    }
  }
  if (!commit_client_->exchange_all(scripts)) spdlog::warn("budgets: {} in Redis failed: {}", what, commit_client_->error());
}

void RedisReservationStore::unavailable() {
  observe::counters().add(unavailable_counter_, 1);
  const std::int64_t now = canonical::steady_ms();
  std::int64_t last = last_warning_ms_.load(std::memory_order_relaxed);
  if (now - last >= 10'000 && last_warning_ms_.compare_exchange_strong(last, now))
    spdlog::warn("budgets: Redis did not answer within {} ms; reservations are held by this instance only "
                 "(llmgw_budget_redis_unavailable_total)", timeout_.count());
}

void RedisReservationStore::forget_old(std::int64_t now_ms) {
  if (now_ms < next_sweep_ms_) return;
  next_sweep_ms_ = now_ms + 10'000;
  for (auto it = calls_.begin(); it != calls_.end();) {
    const std::int64_t life = it->second.charged ? charge_ttl_ms_ : ttl_ms_;
    if (now_ms - it->second.since_ms > life) it = calls_.erase(it);
    else ++it;
  }
}

boost::asio::awaitable<ReserveResult> RedisReservationStore::reserve_async(std::string request_id,
                                                                          std::vector<ScopeBudget> scopes,
                                                                          std::int64_t amount_nano,
                                                                          std::int64_t now_ms,
                                                                          std::int64_t visible_as_of_ms) {
  const LoopConnection* loop = this_loop(this);
  limits::AsyncRedis* redis = loop ? loop->redis : nullptr;
  if (scopes.empty()) co_return ReserveResult{-1, 0, std::numeric_limits<std::int64_t>::max()};
  std::optional<ReserveResult> result;
  if (redis) {  // (call() waits while the connection is being made, fails at once while it is down)
    // Every string the argument views point into lives in this frame until the call returns.
    constexpr std::size_t kKeys = kReserveKeys;
    std::vector<std::string> owned;
    owned.reserve(kKeys * scopes.size() + 7 + 4 * scopes.size());
    reserve_arguments(owned, owned, scopes, amount_nano, now_ms, visible_as_of_ms, ttl_ms_, charge_ttl_ms_);
    const std::string numkeys = std::to_string(kKeys * scopes.size());
    const BudgetScript& script = reserve_budget_script();
    std::vector<std::string_view> argv;
    argv.reserve(4 + owned.size());
    argv.push_back("EVALSHA");
    argv.push_back(script.sha1);
    argv.push_back(numkeys);
    for (std::size_t i = 0; i < kKeys * scopes.size(); ++i) argv.push_back(owned[i]);
    argv.push_back(request_id);
    for (std::size_t i = kKeys * scopes.size(); i < owned.size(); ++i) argv.push_back(owned[i]);

    bool noscript = false;
    const std::size_t n = scopes.size();
    const auto on_reply = [&result, &noscript, n](const redisReply& reply) {
      if (reply.type == REDIS_REPLY_ERROR && std::string_view(reply.str, reply.len).rfind("NOSCRIPT", 0) == 0)
        noscript = true;
      else
        result = decode_reserve_reply(reply, n);
    };
    const std::int64_t deadline = canonical::steady_ms() + timeout_.count();
    loop->settles->flush();  // the settles queued on this loop reach Redis before this reserve
    bool answered = co_await redis->call(argv, timeout_, on_reply);
    if (answered && noscript) {
      argv[0] = "EVAL";
      argv[1] = script.text;
      const std::int64_t left = deadline - canonical::steady_ms();
      if (left > 0) answered = co_await redis->call(argv, std::chrono::milliseconds(left), on_reply);
      else answered = false;
    }
    if (!answered) result.reset();
    if (!result && answered) spdlog::debug("budgets: Redis answered the reserve script with something else");
  }
  co_return record(result, std::move(request_id), std::move(scopes), amount_nano, now_ms, visible_as_of_ms);
}

ReserveResult RedisReservationStore::record(std::optional<ReserveResult> result, std::string request_id,
                                            std::vector<ScopeBudget> scopes, std::int64_t amount_nano,
                                            std::int64_t now_ms, std::int64_t visible_as_of_ms,
                                            const std::string* lease_hold) {
  Call call;
  call.since_ms = now_ms;
  if (lease_hold) {
    call.hold = *lease_hold;
    call.hold_part_nano = amount_nano < 0 ? 0 : amount_nano;
  }
  if (!result) {
    // Redis may still run the script after the deadline: its hold then lapses after ttl_ms.
    unavailable();
    result = fallback_.reserve(request_id, scopes, amount_nano, now_ms, visible_as_of_ms);
    call.local = true;
  }
  if (result->refused == -1) {
    call.tight = near_budget_end(result->headroom_nano, amount_nano);
    for (ScopeBudget& s : scopes) {
      call.periods.push_back(s.period_start_ms);
      call.scopes.push_back(std::move(s.scope));
    }
    std::lock_guard lock(mu_);
    forget_old(now_ms);
    calls_.try_emplace(std::move(request_id), std::move(call));
  }
  return *result;
}

void RedisReservationStore::join_admit(limits::AdmitCompanion& companion, const std::string& request_id,
                                       const std::vector<ScopeBudget>& scopes, std::int64_t amount_nano,
                                       std::int64_t now_ms, std::int64_t visible_as_of_ms) {
  companion.script = &admit_reserve_script();
  companion.keys.clear();
  companion.args.clear();
  companion.hold_keys.clear();
  // The reserve's KEYS and ARGV (and the lease holds' keys) only for an admit that goes to Redis
  // (~3.3k instructions a call; most calls are admitted from a lease and send nothing). `scopes`
  // is the caller's, alive until the admit returns; the request id is copied.
  companion.fill = [this, &scopes, request_id, amount_nano, now_ms, visible_as_of_ms](limits::AdmitCompanion& c) {
    c.keys.reserve(kReserveKeys * scopes.size());
    c.args.reserve(7 + 4 * scopes.size());
    c.args.push_back(request_id);
    reserve_arguments(c.keys, c.args, scopes, amount_nano, now_ms, visible_as_of_ms, ttl_ms_, charge_ttl_ms_);
    c.hold_keys.reserve(3 * scopes.size());
    for (std::size_t i = 0; i < scopes.size(); ++i)
      for (std::size_t k = 0; k < 3; ++k) c.hold_keys.push_back(c.keys[kReserveKeys * i + k]);
  };
  // Admission leases (limits/admission_lease): calls of the same budgets (scope, amount, period)
  // are one class; a lease's hold is on each scope's held / hexp / hsum.
  companion.lease_class.clear();
  for (const ScopeBudget& s : scopes) {
    companion.lease_class.append(s.scope).push_back('\x1f');
    companion.lease_class.append(std::to_string(s.budget_nano)).push_back('/');
    companion.lease_class.append(std::to_string(s.period_start_ms)).push_back('\x1f');
  }
  companion.lease_amount = amount_nano < 0 ? 0 : amount_nano;
  companion.lease_hold.clear();
  // The settles queued on this loop reach Redis before the admit that carries this reserve (when
  // it goes: a call admitted from an admission lease sends nothing, and they wait for their batch).
  companion.owner = this;
  companion.before_send = [](const void* store) {
    if (const LoopConnection* loop = this_loop(store)) loop->settles->flush();
  };
}

ReserveResult RedisReservationStore::joined_result(const limits::AdmitCompanion& companion, std::string request_id,
                                                   std::vector<ScopeBudget> scopes, std::int64_t amount_nano,
                                                   std::int64_t now_ms, std::int64_t visible_as_of_ms) {
  std::optional<ReserveResult> result;
  if (companion.state == limits::AdmitCompanion::State::Answered) {
    if (companion.joined < 0) return ReserveResult{-2, 0, 0};  // the limits refused: nothing checked, nothing held
    result = decode_reserve_reply(companion.reply, scopes.size());
    // A reply the limiter took but that is not the reserve's: held here, as when Redis is away.
    if (result && (result->refused == -1) != (companion.joined == 1)) result.reset();
  }
  // Admitted from an admission lease: its settle takes its part off the lease's hold.
  const std::string* hold = result && !companion.lease_hold.empty() ? &companion.lease_hold : nullptr;
  return record(result, std::move(request_id), std::move(scopes), amount_nano, now_ms, visible_as_of_ms, hold);
}

ReserveResult RedisReservationStore::reserve(std::string_view request_id, const std::vector<ScopeBudget>& scopes,
                                             std::int64_t amount_nano, std::int64_t now_ms,
                                             std::int64_t visible_as_of_ms) {
  const ReserveResult r = fallback_.reserve(request_id, scopes, amount_nano, now_ms, visible_as_of_ms);
  if (r.refused < 0 && !scopes.empty()) {
    Call call;
    call.local = true;
    call.since_ms = now_ms;
    for (const ScopeBudget& s : scopes) {
      call.scopes.push_back(s.scope);
      call.periods.push_back(s.period_start_ms);
    }
    std::lock_guard lock(mu_);
    calls_.try_emplace(std::string(request_id), std::move(call));
  }
  return r;
}

bool RedisReservationStore::settle(std::string_view request_id, std::int64_t cost_nano, std::int64_t now_ms) {
  std::vector<std::string> scopes;
  std::vector<std::int64_t> periods;
  std::string hold;
  std::int64_t hold_part = 0;
  bool tight = false;
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(std::string(request_id));
    if (it == calls_.end() || it->second.charged) return false;
    hold = it->second.hold;
    tight = it->second.tight;
    hold_part = it->second.hold_part_nano;
    if (it->second.local) {
      calls_.erase(it);
      return fallback_.settle(request_id, cost_nano, now_ms);
    }
    if (cost_nano > 0) {
      it->second.charged = true;
      it->second.since_ms = now_ms;
      it->second.cost_nano = cost_nano;
      scopes = it->second.scopes;
      periods = it->second.periods;
    } else {
      scopes = std::move(it->second.scopes);
      periods = std::move(it->second.periods);
      calls_.erase(it);
    }
  }
  const LoopConnection* loop = this_loop(this);
  if (!loop || !loop->redis->accepting()) return false;  // not on a loop: the hold lapses in Redis after ttl_ms
  loop->settles->add(SettleBatch::Settle{std::string(request_id), cost_nano, now_ms, std::move(scopes), std::move(periods),
                                         std::move(hold), hold_part});
  if (tight) loop->redis->flush_batches();  // near the budget's end: now, with the loop's other batches
  return true;
}

namespace {

/// Calls per commit script: each group's ids go through one Lua unpack() (well inside its stack).
constexpr std::size_t kCommitChunk = 128;

struct Charged {
  std::string id;
  std::vector<std::string> scopes;
  std::vector<std::int64_t> periods;
  std::int64_t cost_nano = 0;
};

/// One commit script's arguments for `calls` (policy/budget_scripts.hpp): the calls grouped by
/// (scope, period), in their order within each group.
std::vector<std::string> commit_arguments(const std::vector<Charged>& calls, std::size_t from, std::size_t to,
                                          std::int64_t now_ms, std::int64_t expiry_ms, const CommitStamps& stamps) {
  struct Group {
    std::string_view scope;
    std::int64_t period;
    std::vector<std::size_t> calls;
  };
  std::vector<Group> groups;
  for (std::size_t c = from; c < to; ++c)
    for (std::size_t i = 0; i < calls[c].scopes.size(); ++i) {
      const std::string_view scope = calls[c].scopes[i];
      const std::int64_t period = calls[c].periods[i];
      auto g = std::find_if(groups.begin(), groups.end(),
                            [&](const Group& x) { return x.scope == scope && x.period == period; });
      if (g == groups.end()) g = groups.insert(groups.end(), Group{scope, period, {}});
      g->calls.push_back(c);
    }
  std::vector<std::string> argv{"EVAL", std::string(commit_budget_script().text), std::to_string(5 * groups.size())};
  for (const Group& g : groups) push_commit_keys(argv, g.scope, g.period);
  argv.push_back(std::to_string(now_ms));
  argv.push_back(std::to_string(expiry_ms));
  argv.push_back(std::to_string(groups.size()));
  for (const Group& g : groups) {
    const auto stamp = stamps.find(std::string(g.scope));
    argv.push_back(std::to_string(stamp == stamps.end() ? now_ms : stamp->second));
    argv.push_back(std::to_string(g.calls.size()));
    for (std::size_t c : g.calls) {
      argv.push_back(calls[c].id);
      argv.push_back(std::to_string(calls[c].cost_nano));
    }
  }
  return argv;
}

}  // namespace

void RedisReservationStore::committed_many(const std::vector<std::string_view>& request_ids, std::int64_t now_ms,
                                           const CommitStamps& stamps) {
  std::vector<Charged> charged;
  fallback_.committed_many(request_ids, now_ms, stamps);
  {
    std::lock_guard lock(mu_);
    for (std::string_view id : request_ids) {
      auto it = calls_.find(std::string(id));
      if (it == calls_.end() || !it->second.charged) continue;
      charged.push_back(Charged{std::string(id), std::move(it->second.scopes), std::move(it->second.periods),
                                it->second.cost_nano});
      calls_.erase(it);
    }
  }
  if (charged.empty()) return;
  std::vector<std::vector<std::string>> scripts;
  for (std::size_t from = 0; from < charged.size(); from += kCommitChunk)
    scripts.push_back(commit_arguments(charged, from, std::min(charged.size(), from + kCommitChunk), now_ms,
                                       ttl_ms_ + charge_ttl_ms_, stamps));
  // The ledger writer's thread: a blocking round trip is fine here (never a loop thread). Redis
  // down: a mark not made leaves the charge counting on top of the stored spend until
  // charge_ttl_ms (an over-count, never an under-count).
  send_blocking(scripts, "marking ledger rows written");
}

std::size_t RedisReservationStore::reservations() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, c] : calls_) n += c.charged ? 0 : 1;
  return n;
}

std::size_t RedisReservationStore::pending_charges() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [id, c] : calls_) n += c.charged ? 1 : 0;
  return n + fallback_.pending_charges();
}

}  // namespace llmgw::policy

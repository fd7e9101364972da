#include "limits/redis_limiter.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <string_view>

#include "canonical/clock.hpp"
#include "limits/redis_scripts.hpp"
#include "limits/script_reply.hpp"
#include "shared_state/redis_client.hpp"

namespace llmgw::limits {
namespace {

using namespace std::chrono_literals;

thread_local AsyncRedis* this_loop_redis = nullptr;
thread_local FinishBatch* this_loop_finish = nullptr;
thread_local LeaseBook* this_loop_leases = nullptr;

/// A lease is granted only when every dimension has this many times the lease left after the
/// call (limits/admission_lease.hpp), and of 8 calls at least: so up to 64 loops (instances ×
/// loops) holding leases of a class at once hold at most what is left, and near a limit (under
/// 64 × 8 = 512 calls' worth left) every call makes its own round trip.
constexpr std::int64_t kLeaseFanOut = 64;

/// Finish scripts wait this long for company: one write and one wake-up for all the calls that
/// ended meanwhile (a parallel slot or a token refund lands at most this much later).
constexpr std::chrono::milliseconds kFinishBatchDelay{5};

}  // namespace

void RedisLimiter::on_loop_start(boost::asio::io_context& io) {
  std::shared_ptr<AsyncRedis> redis = AsyncRedis::on_loop(io, endpoint_);  // shared with the budgets
  this_loop_redis = redis.get();
  auto finish = std::make_unique<FinishBatch>(io, *redis, kFinishBatchDelay);
  this_loop_finish = finish.get();
  auto leases = std::make_unique<LeaseBook>(io, *redis);
  this_loop_leases = leases.get();
  std::lock_guard lock(loops_mutex_);
  loops_.push_back(std::move(redis));
  finishes_.push_back(std::move(finish));
  leases_.push_back(std::move(leases));
}

void RedisLimiter::release_loop_connections() {
  std::vector<std::vector<std::string>> left;
  {
    std::lock_guard lock(loops_mutex_);
    // The loops stopped: the finishes still waiting for their batch's delay (token corrections,
    // parallel slots) go on a blocking connection, so a drained gateway leaves no slot held until
    // its lease expires and no estimate uncorrected.
    for (const std::unique_ptr<FinishBatch>& batch : finishes_)
      for (std::vector<std::string>& script : batch->take_scripts()) left.push_back(std::move(script));
    // ... and what the admission leases did not use is given back.
    for (const std::unique_ptr<LeaseBook>& book : leases_)
      for (std::vector<std::string>& script : book->take_scripts()) left.push_back(std::move(script));
    finishes_.clear();
    leases_.clear();
    loops_.clear();
  }
  if (left.empty()) return;
  shared_state::RedisClient client(endpoint_, 1000ms);
  if (!client.connect()) {
    spdlog::warn("rate limits: Redis unreachable to send the last {} finish and lease-return script(s): {}", left.size(),
                 client.error());
    return;
  }
  if (!client.exchange_all(left)) spdlog::warn("rate limits: sending the last finishes and lease returns failed: {}", client.error());
}

namespace {

/// A joined script's reply (limits::admit_joined_text): admit's decision, and the companion's
/// flag and integers; nullopt (the companion left unanswered) when it is not one.
/// The lease figures after admit's (k, end ms): k 0 (end 0) or >= 2.
bool read_lease(const redisReply& reply, std::size_t at, long long& lease_k, long long& lease_end) {
  const redisReply* k = reply.element[at];
  const redisReply* end = reply.element[at + 1];
  if (k->type != REDIS_REPLY_INTEGER || end->type != REDIS_REPLY_INTEGER) return false;
  if (k->integer != 0 && (k->integer < 2 || k->integer > 1'000'000 || end->integer <= 0)) return false;
  lease_k = k->integer;
  lease_end = end->integer;
  return true;
}

std::optional<Decision> decode_joined_reply(const redisReply& reply, std::size_t n, AdmitCompanion& companion,
                                            long long& lease_k, long long& lease_end) {
  const std::size_t head = 7 + 8 * n;
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements < head + 1) return std::nullopt;
  const redisReply* flag = reply.element[head];
  if (flag->type != REDIS_REPLY_INTEGER || flag->integer < -1 || flag->integer > 1) return std::nullopt;
  if (flag->integer == -1 && reply.elements != head + 1) return std::nullopt;
  std::vector<long long> rest;
  for (std::size_t i = head + 1; i < reply.elements; ++i) {
    if (reply.element[i]->type != REDIS_REPLY_INTEGER) return std::nullopt;
    rest.push_back(reply.element[i]->integer);
  }
  redisReply admit = reply;  // admit's part: the same elements, cut after its figures
  admit.elements = head - 2;
  std::optional<Decision> decision = decode_admit_reply(&admit, n);
  if (!decision || (flag->integer == -1) != !decision->allowed) return std::nullopt;
  if (!read_lease(reply, head - 2, lease_k, lease_end) || (lease_k > 0 && flag->integer != 1)) return std::nullopt;
  companion.state = AdmitCompanion::State::Answered;
  companion.joined = static_cast<int>(flag->integer);
  companion.reply = std::move(rest);
  return decision;
}

/// The admit script's own reply: its decision, and the lease it granted (`lease_k`, `lease_end`).
std::optional<Decision> decode_admit_with_lease(const redisReply& reply, std::size_t n, long long& lease_k,
                                                long long& lease_end) {
  const std::size_t head = 5 + 8 * n;
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != head + 2) return std::nullopt;
  redisReply admit = reply;
  admit.elements = head;
  std::optional<Decision> decision = decode_admit_reply(&admit, n);
  if (decision && (!read_lease(reply, head, lease_k, lease_end) || (lease_k > 0 && !decision->allowed)))
    return std::nullopt;  // (a lease only comes with an admission)
  return decision;
}

/// The admission class of a call (limits/admission_lease.hpp): its scopes with their limits, and
/// what the companion names (its budgets).
std::string lease_class(const Scopes& scopes, const AdmitCompanion* companion) {
  std::string cls;
  for (const Scope& s : scopes) {
    cls.append(s.id).push_back('\x1f');
    cls.append(std::to_string(s.rpm)).push_back('/');
    cls.append(std::to_string(s.tpm)).push_back('\x1f');
  }
  if (companion) cls.append("\x1e").append(companion->lease_class);
  return cls;
}

/// Hands the lease a round trip asked for to the book when the admit ends, however it ends (a
/// frame destroyed with its io_context after the drain finds the book gone, and does nothing).
struct LeaseAnswer {
  LeaseBook* book = nullptr;
  std::shared_ptr<const bool> book_alive;
  std::string cls;
  std::optional<Lease> lease;
  LeaseAnswer() = default;
  LeaseAnswer(const LeaseAnswer&) = delete;
  LeaseAnswer& operator=(const LeaseAnswer&) = delete;
  ~LeaseAnswer() {
    if (book && *book_alive) book->answered(cls, std::move(lease));
  }
};

}  // namespace

boost::asio::awaitable<std::optional<Decision>> RedisLimiter::admit(const Scopes& scopes, std::int64_t estimate,
                                                                     std::string& member,
                                                                     AdmitCompanion* companion) {
  AsyncRedis* redis = this_loop_redis;
  if (!redis || scopes.empty()) co_return std::nullopt;
  if (companion) companion->state = AdmitCompanion::State::Unanswered;  // until its reply is read
  const std::size_t n = scopes.size();

  // An admission lease of this call's class on this loop: admitted here, no round trip.
  LeaseBook* book = this_loop_leases;
  bool leasable = lease_calls_ > 0 && book && (!companion || !companion->lease_class.empty());
  for (const Scope& s : scopes) leasable = leasable && s.parallel == 0;  // (parallel limits: never leased)
  LeaseAnswer asked;
  std::int64_t rate = 0;
  if (leasable) {
    std::string cls = lease_class(scopes, companion);
    LeasedAdmission got;
    bool ask = false;
    const std::int64_t budget = companion ? companion->lease_amount : 0;
    if (book->take(cls, estimate, budget, canonical::steady_ms(), got, ask, rate)) {
      if (companion) {
        companion->state = AdmitCompanion::State::Answered;
        companion->joined = 1;
        companion->reply = {0, 0, got.headroom_nano};
        companion->lease_hold = std::move(got.hold);
      }
      member = std::move(got.member);
      co_return std::move(got.decision);
    }
    if (ask) {
      asked.book = book;
      asked.book_alive = book->alive();
      asked.cls = std::move(cls);
    }
  }

  if (companion && companion->fill) {
    const auto fill = std::move(companion->fill);
    companion->fill = nullptr;
    fill(*companion);
  }
  // Every string the argument views point into lives in this frame until the call returns.
  std::vector<std::string> owned;
  owned.reserve(3 * n + 7 + 3 * n);
  for (const Scope& s : scopes) {
    owned.push_back(redis_key(s.id, "req"));
    owned.push_back(redis_key(s.id, "tok"));
    owned.push_back(redis_key(s.id, "par"));
  }
  owned.push_back(std::to_string(estimate));
  owned.push_back(std::to_string(lease_.count()));
  owned.push_back(std::to_string(n));
  for (const Scope& s : scopes) {
    owned.push_back(std::to_string(s.rpm));
    owned.push_back(std::to_string(s.tpm));
    owned.push_back(std::to_string(s.parallel));
  }
  owned.push_back(std::to_string(asked.book ? lease_calls_ : 0));
  owned.push_back(std::to_string(kLeaseFanOut));
  owned.push_back(std::to_string(rate));
  const std::size_t extra_keys = companion ? companion->keys.size() : 0;
  const std::string numkeys = std::to_string(3 * n + extra_keys);
  const RedisScript& script = companion ? *companion->script : admit_script();
  std::vector<std::string_view> argv;
  argv.reserve(6 + owned.size() + (companion ? extra_keys + companion->args.size() : 0));
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1);
  argv.push_back(numkeys);
  for (std::size_t i = 0; i < 3 * n; ++i) argv.push_back(owned[i]);
  if (companion)
    for (const std::string& k : companion->keys) argv.push_back(k);
  argv.push_back(member);
  for (std::size_t i = 3 * n; i < owned.size(); ++i) argv.push_back(owned[i]);
  if (companion)
    for (const std::string& a : companion->args) argv.push_back(a);

  std::optional<Decision> decision;
  bool noscript = false;
  long long lease_k = 0, lease_end = 0;
  const auto on_reply = [&decision, &noscript, &lease_k, &lease_end, n, companion](const redisReply& reply) {
    if (reply.type == REDIS_REPLY_ERROR && std::string_view(reply.str, reply.len).rfind("NOSCRIPT", 0) == 0)
      noscript = true;
    else if (companion)
      decision = decode_joined_reply(reply, n, *companion, lease_k, lease_end);
    else
      decision = decode_admit_with_lease(reply, n, lease_k, lease_end);
  };
  if (companion && companion->before_send) companion->before_send(companion->owner);
  const int64_t sent = canonical::steady_ms();
  const int64_t deadline = sent + timeout_.count();
  bool answered = co_await redis->call(argv, timeout_, on_reply);
  if (answered && noscript) {
    argv[0] = "EVAL";
    argv[1] = script.text;
    const int64_t left = deadline - canonical::steady_ms();
    if (left > 0) answered = co_await redis->call(argv, std::chrono::milliseconds(left), on_reply);
    else answered = false;
  }
  if (!answered) {
    if (companion) companion->state = AdmitCompanion::State::Unanswered;  // (a late reply may have been read)
    // A lease granted in a reply read after the deadline is not used: it stays counted until its
    // members leave the window (an over-count).
    co_return std::nullopt;
  }
  if (decision && lease_k > 0) {
    Lease l;
    l.id = member;
    l.scopes = scopes;
    l.decision = *decision;
    l.second = decision->now_ms / 1000;
    l.granted_steady_ms = sent;  // (the script ran after this: the end measured from here comes no later)
    l.deadline_steady_ms = sent + (lease_end - decision->now_ms);
    l.granted = lease_k;
    l.tokens = lease_k * estimate;
    bool tokens = false;
    for (const Scope& s : scopes) tokens = tokens || s.tpm > 0;
    if (!tokens) l.tokens = 0;
    if (companion && companion->lease_amount > 0) {
      l.hold_keys = companion->hold_keys;
      l.hold = lease_k * companion->lease_amount;
      const long long room = companion->reply.size() == 3 ? companion->reply[2] : 0;
      l.headroom_nano = room - companion->lease_amount - l.hold;
    }
    if (asked.book) asked.lease = std::move(l);  // (the script grants none unless asked)
  }
  co_return decision;
}

void RedisLimiter::finish(const Scopes& scopes, const std::string& member, std::int64_t bucket_s,
                          const std::vector<std::int64_t>& token_delta) {
  FinishBatch* batch = this_loop_finish;
  if (!this_loop_redis || !batch) return;
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const Scope& s = scopes[i];
    if (s.tpm > 0 && i < token_delta.size() && token_delta[i] != 0) batch->add_tokens(s.id, bucket_s, token_delta[i]);
    if (s.parallel > 0) batch->free_slot(s.id, member);
  }
}

void RedisLimiter::release(const Scopes& scopes, const std::string& member, std::int64_t bucket_s,
                           const std::vector<std::int64_t>& token_delta) {
  AsyncRedis* redis = this_loop_redis;
  if (!redis || scopes.empty()) return;
  std::vector<std::string> argv{"EVAL", std::string(release_script().text), std::to_string(3 * scopes.size())};
  for (const Scope& s : scopes) {
    argv.push_back(redis_key(s.id, "req"));
    argv.push_back(redis_key(s.id, "tok"));
    argv.push_back(redis_key(s.id, "par"));
  }
  argv.push_back(member);
  argv.push_back(std::to_string(bucket_s));
  argv.push_back(std::to_string(scopes.size()));
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const Scope& s = scopes[i];
    const bool tokens = s.tpm > 0 && i < token_delta.size() && token_delta[i] != 0;
    argv.push_back(tokens ? std::to_string(token_delta[i]) : "-");
    argv.push_back(s.parallel > 0 ? "1" : "0");
    argv.push_back(s.rpm > 0 ? "1" : "0");
  }
  // Not batched: the slot is free for the next call at once (a rare path: a budget refusal).
  std::vector<std::string_view> views(argv.begin(), argv.end());
  redis->send(views);
}

}  // namespace llmgw::limits

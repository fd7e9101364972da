#include "limits/finish_batch.hpp"

#include <algorithm>
#include <string_view>

#include "limits/asio_redis.hpp"
#include "limits/redis_scripts.hpp"

namespace llmgw::limits {

FinishBatch::FinishBatch(boost::asio::io_context& io, AsyncRedis& redis, std::chrono::milliseconds delay)
    : redis_(redis), delay_(delay), timer_(io), hook_(redis.add_batch_flush([this] { flush(); })) {}

FinishBatch::~FinishBatch() {
  redis_.remove_batch_flush(hook_);
  *alive_ = false;
  timer_.cancel();
}

void FinishBatch::add_tokens(const std::string& scope_id, std::int64_t bucket_s, std::int64_t delta) {
  if (delta == 0) return;
  auto same = std::find_if(tokens_.begin(), tokens_.end(), [&](const Tokens& t) {
    return t.bucket_s == bucket_s && (t.delta > 0) == (delta > 0) && t.scope_id == scope_id;
  });
  if (same != tokens_.end()) same->delta += delta;
  else tokens_.push_back(Tokens{scope_id, bucket_s, delta});
  schedule();
}

void FinishBatch::free_slot(const std::string& scope_id, const std::string& member) {
  slots_.push_back(Slot{scope_id, member});
  schedule();
}

void FinishBatch::schedule() {
  if (scheduled_) return;
  scheduled_ = true;
  timer_.expires_after(delay_);
  std::shared_ptr<bool> live = alive_;
  timer_.async_wait([this, live, armed = ++generation_](const boost::system::error_code&) {
    if (!*live || armed != generation_) return;  // (flushed since, by another batch's timer)
    scheduled_ = false;
    redis_.flush_batches();  // this batch and the loop's others (settles): one write
  });
}

namespace {

/// FinishBatch::scripts; `with_text` false: argv[1] left empty, for a sender that puts the
/// script's static text there as a view (not copied for every batch).
std::vector<std::vector<std::string>> scripts_of(const std::vector<FinishBatch::Tokens>& tokens,
                                                 const std::vector<FinishBatch::Slot>& slots, std::size_t max_args,
                                                 bool with_text) {
  using Tokens = FinishBatch::Tokens;
  // Per script: EVAL, text, numkeys, #tokens, #slots; then 3 arguments a correction (key,
  // bucket, delta) and 2 a slot (key, member). Refunds after top-ups: a bucket is never
  // corrected below what the calls of that second still count.
  std::vector<const Tokens*> order;
  for (const Tokens& t : tokens)
    if (t.delta > 0) order.push_back(&t);
  for (const Tokens& t : tokens)
    if (t.delta < 0) order.push_back(&t);
  std::vector<std::vector<std::string>> out;
  std::size_t ti = 0, si = 0;
  while (ti < order.size() || si < slots.size()) {
    std::size_t room = max_args - 5, nt = 0, ns = 0;
    while (ti + nt < order.size() && room >= 3) room -= 3, ++nt;
    while (si + ns < slots.size() && room >= 2) room -= 2, ++ns;
    std::vector<std::string> argv{"EVAL", with_text ? std::string(finish_script().text) : std::string(),
                                  std::to_string(nt + ns)};
    for (std::size_t i = 0; i < nt; ++i) argv.push_back(redis_key(order[ti + i]->scope_id, "tok"));
    for (std::size_t i = 0; i < ns; ++i) argv.push_back(redis_key(slots[si + i].scope_id, "par"));
    argv.push_back(std::to_string(nt));
    argv.push_back(std::to_string(ns));
    for (std::size_t i = 0; i < nt; ++i) {
      argv.push_back(std::to_string(order[ti + i]->bucket_s));
      argv.push_back(std::to_string(order[ti + i]->delta));
    }
    for (std::size_t i = 0; i < ns; ++i) argv.push_back(slots[si + i].member);
    out.push_back(std::move(argv));
    ti += nt;
    si += ns;
  }
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> FinishBatch::scripts(const std::vector<Tokens>& tokens,
                                                           const std::vector<Slot>& slots, std::size_t max_args) {
  return scripts_of(tokens, slots, max_args, true);
}

std::vector<std::vector<std::string>> FinishBatch::take_scripts() {
  std::vector<Tokens> tokens;
  std::vector<Slot> slots;
  tokens.swap(tokens_);
  slots.swap(slots_);
  return scripts(tokens, slots, AsyncRedis::kMaxArgs);
}

void FinishBatch::flush() {
  if (scheduled_) {  // sent now: the timer has nothing left to wait for
    scheduled_ = false;
    ++generation_;
    timer_.cancel();
  }
  if (tokens_.empty() && slots_.empty()) return;
  std::vector<Tokens> tokens;
  std::vector<Slot> slots;
  tokens.swap(tokens_);
  slots.swap(slots_);
  // EVAL, not EVALSHA: a fire-and-forget call never sees NOSCRIPT, and Redis caches the script
  // by its SHA-1 after the first EVAL (its text is ~2 KB a batch, not a call).
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& argv : scripts_of(tokens, slots, AsyncRedis::kMaxArgs, false)) {
    views.assign(argv.begin(), argv.end());
    views[1] = finish_script().text;
    if (!redis_.send(views)) break;  // connection down: the rest is dropped too
  }
}

}  // namespace llmgw::limits

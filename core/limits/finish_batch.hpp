// The finish scripts of one event loop, merged (limits/redis_limiter): the calls that end within
// `delay` of the first send one script (redis_scripts.hpp: finish) in one write. Token
// corrections are summed per scope, admission second and sign (one HINCRBY for all the calls
// of that second, where a script per call cost ~12 us of Redis at 5,000 calls a second; the
// signs stay apart so a correction landing outside the window treats refunds and top-ups as
// the per-call script did); parallel slots are freed by member. Dropped if the connection is
// down when the batch goes (as a lost fire-and-forget finish: the slot's lease expires). What is
// still queued when the loops stop is taken (take_scripts) and sent on drain by the limiter.
// When its timer fires it flushes every batch of the loop's connection (AsyncRedis::flush_batches:
// the budgets' settles too), so they go in one write; a flush by another batch's timer disarms
// this one's. Used only on its loop's thread (take_scripts: after it stopped).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llmgw::limits {

class AsyncRedis;

class FinishBatch {
 public:
  FinishBatch(boost::asio::io_context& io, AsyncRedis& redis, std::chrono::milliseconds delay);
  ~FinishBatch();
  FinishBatch(const FinishBatch&) = delete;
  FinishBatch& operator=(const FinishBatch&) = delete;

  /// Adds `delta` tokens (either sign, not 0) to scope `scope_id`'s bucket of second `bucket_s`.
  void add_tokens(const std::string& scope_id, std::int64_t bucket_s, std::int64_t delta);
  /// Frees the parallel slot `member` holds in scope `scope_id`.
  void free_slot(const std::string& scope_id, const std::string& member);

  /// The arguments of the finish scripts for what is queued, each within `max_args` (tests).
  struct Tokens {
    std::string scope_id;
    std::int64_t bucket_s;
    std::int64_t delta;
  };
  struct Slot {
    std::string scope_id;
    std::string member;
  };
  static std::vector<std::vector<std::string>> scripts(const std::vector<Tokens>& tokens,
                                                       const std::vector<Slot>& slots, std::size_t max_args);
  /// The scripts for what is queued, which is emptied: after the loop stopped (a drain sends them
  /// on a blocking connection).
  std::vector<std::vector<std::string>> take_scripts();

 private:
  void schedule();
  void flush();

  AsyncRedis& redis_;
  std::chrono::milliseconds delay_;
  boost::asio::steady_timer timer_;
  bool scheduled_ = false;
  std::uint64_t generation_ = 0;  // of the timer's wait: a flush since makes it stale
  std::vector<Tokens> tokens_;
  std::vector<Slot> slots_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::size_t hook_;  // AsyncRedis::add_batch_flush's id
};

}  // namespace llmgw::limits

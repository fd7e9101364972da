// The budget settles of one event loop, merged (policy/redis_reservation_store): the calls that
// end within `delay` of the first (5 ms in the gateway, the limits' finish delay) send one settle script
// (policy/budget_scripts.hpp: settle) in one write, where a script per call cost ~38 us of Redis
// (its ~2 KB text hashed, 13 Redis calls, four PEXPIREs a scope) at 5,000 calls a second, and a
// batch sent on the next turn of the loop still woke Redis once a call at 1,000 calls a second
// (0.8 settle scripts a request). A reserve sent on the loop flushes the queue first, so that on
// this connection every settle still reaches Redis before any later call's reserve (the
// client's next call finds the hold replaced by the cost, as when each settle went at once);
// at 1,000 calls a second most batches go that way, in the admit's own write (no wake-up of
// their own). When the timer fires it flushes every batch of the loop's connection
// (AsyncRedis::flush_batches: the limits' finishes too), so both go in one write and wake Redis
// once; a flush by another batch's timer or a reserve disarms this one's. The script's ~2 KB
// text is sent as a view, not copied into each batch's arguments. Dropped if the connection is down when the batch goes (as a lost fire-and-forget
// settle: the hold lapses after the reservation ttl). Used only on its loop's thread (or after
// the loop stopped: take_scripts, on drain).
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
}

namespace llmgw::policy {

class SettleBatch {
 public:
  /// One call's settle: its hold replaced by `cost_nano` on each (scope, period) it reserved.
  struct Settle {
    std::string request_id;
    std::int64_t cost_nano = 0;
    std::int64_t now_ms = 0;
    std::vector<std::string> scopes;
    std::vector<std::int64_t> periods;
    /// Admitted from an admission lease (limits/admission_lease): the lease's hold field
    /// ("lease:<id>"), from which the settle takes `hold_part_nano` (the call's own estimate)
    /// instead of deleting a hold of its own. Empty: the call's own hold (its request id).
    std::string hold;
    std::int64_t hold_part_nano = 0;
  };

  /// The charge keys' expiry: `expiry_ms` given (reservation ttl + charge ttl) when less than
  /// `keep_ms` is left (>= the charge ttl: a charge outlives its charge ttl).
  struct Expiry {
    std::int64_t expiry_ms = 0;
    std::int64_t keep_ms = 0;
  };

  /// `delay`: how long the first queued settle waits for company.
  SettleBatch(boost::asio::io_context& io, limits::AsyncRedis& redis, Expiry expiry, std::chrono::milliseconds delay);
  ~SettleBatch();
  SettleBatch(const SettleBatch&) = delete;
  SettleBatch& operator=(const SettleBatch&) = delete;

  /// Queues `s`; sent within `delay` (or by an earlier flush).
  void add(Settle s);
  /// Sends what is queued now.
  void flush();
  /// What is queued, as scripts (queue emptied), for another connection to send: after the
  /// loop stopped, when nothing will write this one again (the gateway's drain).
  std::vector<std::vector<std::string>> take_scripts();

  /// The settle scripts' arguments for `settles` (EVAL, text, numkeys, KEYS, ARGV), each within
  /// `max_args`, the calls in their order (tests).
  static std::vector<std::vector<std::string>> scripts(const std::vector<Settle>& settles, Expiry expiry,
                                                       std::size_t max_args);

 private:
  limits::AsyncRedis& redis_;
  const Expiry expiry_;
  const std::chrono::milliseconds delay_;
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  std::uint64_t generation_ = 0;  // of the timer's wait: a flush since makes it stale
  std::vector<Settle> queued_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::size_t hook_;  // AsyncRedis::add_batch_flush's id
};

}  // namespace llmgw::policy

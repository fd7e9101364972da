// The budget settles of one event loop, merged (policy/redis_reservation_store): the calls that
// end in one turn of the loop send one settle script (policy/budget_scripts.hpp: settle) in one
// write, on the next turn, where a script per call cost ~38 us of Redis (its ~2 KB text hashed,
// 13 Redis calls, four PEXPIREs a scope) at 5,000 calls a second. A reserve sent on the loop
// flushes the queue first, so that on this connection every settle still reaches Redis before
// any later call's reserve (the client's next call finds the hold replaced by the cost, as when
// each settle went at once). Dropped if the connection is down when the batch goes (as a lost
// fire-and-forget settle: the hold lapses after the reservation ttl). Used only on its loop's
// thread.
#pragma once

#include <boost/asio/io_context.hpp>

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
  };

  /// `expiry_ms`: the charge keys' expiry (reservation ttl + charge ttl).
  SettleBatch(boost::asio::io_context& io, limits::AsyncRedis& redis, std::int64_t expiry_ms);
  ~SettleBatch();
  SettleBatch(const SettleBatch&) = delete;
  SettleBatch& operator=(const SettleBatch&) = delete;

  /// Queues `s`; sent on the next turn of the loop (or by an earlier flush).
  void add(Settle s);
  /// Sends what is queued now.
  void flush();

  /// The settle scripts' arguments for `settles` (EVAL, text, numkeys, KEYS, ARGV), each within
  /// `max_args`, the calls in their order (tests).
  static std::vector<std::vector<std::string>> scripts(const std::vector<Settle>& settles, std::int64_t expiry_ms,
                                                       std::size_t max_args);

 private:
  boost::asio::io_context& io_;
  limits::AsyncRedis& redis_;
  const std::int64_t expiry_ms_;
  bool posted_ = false;
  std::vector<Settle> queued_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace llmgw::policy

// Budget reservations held in Redis, exact across instances (issue 11): the ReservationStore of
// a gateway whose router_settings configure Redis (as the rate limits' are). One Lua script per
// operation (policy/budget_scripts), all-or-nothing over the key's and the team's scopes, keyed
// by request id:
//   reserve   awaited on the loop's own asynchronous hiredis connection (limits/asio_redis),
//             EVALSHA then EVAL on NOSCRIPT, within the timeout; a reservation lapses in Redis
//             after `ttl_ms` when its instance never settles it (a crash);
//   settle    not awaited; the settles of one loop within 2 ms go in one script
//             (policy/settle_batch), and a reserve on the loop sends them first: the client's
//             next call on this loop finds the hold replaced by the cost (a refund or a top-up)
//             as when each went at once; a call on another loop or instance within those 2 ms
//             may still find the hold (the estimate) in its place. A drain sends what is left
//             (release_loop_connections, on the blocking connection);
//   committed from the ledger writer's thread (never a loop thread), on a blocking connection of
//             its own, a written batch at a time (one script per up to 128 rows, one round
//             trip): the cost is in the database now, and stops counting once an instance's
//             key cache has read the database after that.
// Redis unavailable at reserve (no answer in time, not connected, a reply that is not the
// script's): the call is held in this instance's InMemoryReservationStore instead (the stored
// spend and this instance's calls still bind it), one warning per 10 s and
// llmgw_budget_redis_unavailable_total; it settles where it was held.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "limits/asio_redis.hpp"
#include "policy/reservation_store.hpp"
#include "policy/settle_batch.hpp"

namespace llmgw::shared_state {
class RedisClient;
}

namespace llmgw::policy {

class RedisReservationStore final : public ReservationStore {
 public:
  RedisReservationStore(limits::RedisEndpoint endpoint, std::chrono::milliseconds timeout,
                        std::int64_t ttl_ms = 15 * 60 * 1000, std::int64_t charge_ttl_ms = 60 * 60 * 1000);
  ~RedisReservationStore() override;

  boost::asio::awaitable<ReserveResult> reserve_async(std::string request_id, std::vector<ScopeBudget> scopes,
                                                      std::int64_t amount_nano, std::int64_t now_ms,
                                                      std::int64_t visible_as_of_ms) override;
  bool joins_admit() const override { return true; }
  void join_admit(limits::AdmitCompanion& companion, const std::string& request_id,
                  const std::vector<ScopeBudget>& scopes, std::int64_t amount_nano, std::int64_t now_ms,
                  std::int64_t visible_as_of_ms) override;
  ReserveResult joined_result(const limits::AdmitCompanion& companion, std::string request_id,
                              std::vector<ScopeBudget> scopes, std::int64_t amount_nano, std::int64_t now_ms,
                              std::int64_t visible_as_of_ms) override;
  /// Not on a loop: this instance's store only (tests).
  ReserveResult reserve(std::string_view request_id, const std::vector<ScopeBudget>& scopes, std::int64_t amount_nano,
                        std::int64_t now_ms, std::int64_t visible_as_of_ms) override;
  /// True when the settle was queued on a connection that is up or coming up (or settled
  /// locally); its effect is not awaited.
  bool settle(std::string_view request_id, std::int64_t cost_nano, std::int64_t now_ms) override;
  /// One commit script per up to kCommitChunk rows, all in one round trip of the writer's.
  void committed_many(const std::vector<std::string_view>& request_ids, std::int64_t now_ms,
                      const CommitStamps& stamps) override;
  /// This instance's calls held (in Redis or locally).
  std::size_t reservations() const override;
  /// This instance's settled charges not yet committed.
  std::size_t pending_charges() const override;

  void on_loop_start(boost::asio::io_context& io) override;
  void release_loop_connections() override;

 private:
  struct Call {
    std::vector<std::string> scopes;
    std::vector<std::int64_t> periods;  // each scope's budget period start (its Redis keys)
    std::int64_t cost_nano = 0;         // settled with this cost (commit moves it)
    std::string hold;                  // admitted from an admission lease: its hold field
    std::int64_t hold_part_nano = 0;   // ... and this call's part of it
    bool local = false;       // held in fallback_
    bool charged = false;     // settled with a cost; waits for committed()
    bool tight = false;       // admitted near a budget's end: its settle goes at once (kTightCalls)
    std::int64_t since_ms = 0;
  };
  void unavailable();
  /// A reserve's answer (nullopt: Redis unavailable, the call held in fallback_ instead), the
  /// call remembered when admitted.
  ReserveResult record(std::optional<ReserveResult> result, std::string request_id, std::vector<ScopeBudget> scopes,
                       std::int64_t amount_nano, std::int64_t now_ms, std::int64_t visible_as_of_ms,
                       const std::string* lease_hold = nullptr);
  void forget_old(std::int64_t now_ms);  // calls whose settle or commit never came; mu_ held
  /// `scripts` in one round trip on the blocking connection (the ledger writer's commit marks;
  /// the settles left when the loops stopped); never on a loop thread. `what` names it in a warning.
  void send_blocking(const std::vector<std::vector<std::string>>& scripts, const char* what);

  limits::RedisEndpoint endpoint_;
  std::chrono::milliseconds timeout_;
  const std::int64_t ttl_ms_, charge_ttl_ms_;
  InMemoryReservationStore fallback_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Call> calls_;  // by request id
  std::int64_t next_sweep_ms_ = 0;
  std::mutex loops_mutex_;
  std::vector<std::shared_ptr<limits::AsyncRedis>> loops_;
  std::vector<std::unique_ptr<SettleBatch>> settles_;     // one per loop, on its connection
  std::mutex commit_mutex_;                                // the blocking connection (commits, drain)
  std::unique_ptr<shared_state::RedisClient> commit_client_;
  std::int64_t next_commit_connect_ms_ = 0;               // steady ms; commit_mutex_ held
  std::atomic<std::int64_t> last_warning_ms_{0};
  std::uint32_t unavailable_counter_ = 0;
};

}  // namespace llmgw::policy

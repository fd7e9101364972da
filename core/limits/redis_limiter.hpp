// Limits shared by every instance through Redis: one round trip per call, the admit script run by
// EVALSHA (EVAL when Redis answers NOSCRIPT: after a restart or a SCRIPT FLUSH), on this loop's
// own asynchronous connection (limits/asio_redis), awaited with a deadline; the finish script sent
// after the call without waiting, merged with the others that end within 5 ms (limits/
// finish_batch: one script, one write and one wake-up for all of them). One AsyncRedis per event loop, made on the loop's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "limits/admission_lease.hpp"
#include "limits/admit_companion.hpp"
#include "limits/asio_redis.hpp"
#include "limits/finish_batch.hpp"
#include "limits/limit_scopes.hpp"
#include "limits/window_math.hpp"

namespace llmgw::limits {

class RedisLimiter {
 public:
  /// `lease_calls`: the admission lease asked for (calls; 0: none, limits/admission_lease).
  RedisLimiter(RedisEndpoint endpoint, std::chrono::milliseconds timeout, std::chrono::milliseconds lease,
               int lease_calls = 0)
      : endpoint_(std::move(endpoint)), timeout_(timeout), lease_(lease), lease_calls_(lease_calls) {}

  /// Opens this loop's connection (on the loop's thread, before it serves).
  void on_loop_start(boost::asio::io_context& io);
  /// Closes every loop's connection: after the loops stopped, while their io_contexts exist.
  void release_loop_connections();

  /// Check and reserve (see redis_scripts.hpp); nullopt when Redis did not answer in time, is
  /// not connected, or answered something that is not the script's reply. With a `companion`,
  /// its joined script runs instead (one EVALSHA for both; its state and reply filled in).
  /// With admission leases on, a call of a class this loop holds a lease for is admitted from
  /// it without a round trip (`member` then becomes the lease's member the call took; the
  /// companion Answered with its `lease_hold`), and a round trip may ask for the next lease.
  boost::asio::awaitable<std::optional<Decision>> admit(const Scopes& scopes, std::int64_t estimate,
                                                        std::string& member,
                                                        AdmitCompanion* companion = nullptr);
  /// Reconciles tokens (`token_delta[i]` for scope i) and frees parallel slots; not awaited.
  void finish(const Scopes& scopes, const std::string& member, std::int64_t bucket_s,
              const std::vector<std::int64_t>& token_delta);
  /// Gives back all an admission took (the request, `token_delta[i]` = − the tokens reserved,
  /// the parallel slots): sent at once, not awaited.
  void release(const Scopes& scopes, const std::string& member, std::int64_t bucket_s,
               const std::vector<std::int64_t>& token_delta);

 private:
  RedisEndpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds lease_;
  int lease_calls_ = 0;
  std::mutex loops_mutex_;
  std::vector<std::shared_ptr<AsyncRedis>> loops_;
  std::vector<std::unique_ptr<FinishBatch>> finishes_;  // per loop, on its connection
  std::vector<std::unique_ptr<LeaseBook>> leases_;      // per loop: its admission leases
};

}  // namespace llmgw::limits

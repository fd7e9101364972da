// The limits of one instance, when no Redis is configured: every scope's windows
// (limits/window_math) in memory, exact within the process. A call locks the (at most three)
// scope states it touches, in address order, for the few hundred nanoseconds of a check: loops
// only contend when they serve the same key at the same moment. Scope states are found through
// 16 shards of a hash map, each behind its own mutex, held only for the look-up.
//
// A scope's state with nothing left to count (no request, no token in the window, no call in
// flight) is retired, a shard at a time, at most once a minute per shard: memory follows the
// scopes in use, not every key ever seen. A call that locked a state retired meanwhile looks it
// up again (a retired state was empty, so the new one counts the same): limits stay exact.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "limits/limit_scopes.hpp"
#include "limits/window_math.hpp"

namespace llmgw::limits {

class LocalLimiter {
 public:
  /// Checks every scope at `now_ms` (unix ms) and, only if all fit, reserves one request,
  /// `estimate` tokens (cut per scope: token_reservation) and one parallel slot in each.
  Decision admit(const Scopes& scopes, std::int64_t estimate, std::int64_t now_ms);
  /// The end of an admitted call: frees its parallel slots and adds `token_delta[i]` (actual
  /// minus reserved, either sign) to scope i's bucket of second `bucket_s`.
  void finish(const Scopes& scopes, std::int64_t bucket_s, const std::vector<std::int64_t>& token_delta,
              std::int64_t now_ms);
  /// finish(), and the request admitted at `admitted_ms` taken back from each RPM window: a call
  /// admitted, then refused by its budget (`token_delta[i]`: − the tokens it reserved).
  void release(const Scopes& scopes, std::int64_t admitted_ms, const std::vector<std::int64_t>& token_delta,
               std::int64_t now_ms);
  /// Scope states held now (all shards); for tests.
  std::size_t scope_count();

 private:
  struct State {
    std::mutex mutex;
    std::atomic<bool> retired{false};  // removed from its shard (set under `mutex`): look it up again
    RequestWindow requests;
    TokenWindow tokens;
    ParallelCount parallel;
    /// Nothing to count at `now_ms` (call under `mutex`).
    bool idle(std::int64_t now_ms) const {
      return parallel.in_flight == 0 && requests.empty_at(now_ms) && tokens.used(now_ms) == 0;
    }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<State>> states;
    std::int64_t swept_ms = 0;
  };
  /// The state of scope `id` (created on first use); retires the shard's idle states first when
  /// the shard was last swept a minute or more before `now_ms`.
  std::shared_ptr<State> state(const std::string& id, std::int64_t now_ms);
  /// finish(); with `release_ms` >= 0, release().
  void end(const Scopes& scopes, std::int64_t bucket_s, const std::vector<std::int64_t>& token_delta,
           std::int64_t now_ms, std::int64_t release_ms);

  std::array<Shard, 16> shards_;
};

}  // namespace llmgw::limits

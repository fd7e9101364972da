// The limits of one instance, when no Redis is configured: every scope's windows
// (limits/window_math) in memory, exact within the process. A call locks the (at most three)
// scope states it touches, in address order, for the few hundred nanoseconds of a check: loops
// only contend when they serve the same key at the same moment. Scope states are found through
// 16 shards of a hash map, each behind its own mutex, held only for the look-up.
#pragma once

#include <array>
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

 private:
  struct State {
    std::mutex mutex;
    RequestWindow requests;
    TokenWindow tokens;
    ParallelCount parallel;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<State>> states;
  };
  State& state(const std::string& id);

  std::array<Shard, 16> shards_;
};

}  // namespace llmgw::limits

// Another script's part run in the rate limits' admit EVALSHA (limits::admit_joined_text): the
// budget's reserve (policy/redis_reservation_store), so a governed call costs Redis one script,
// all or nothing across both. The other side fills script, keys and args before the admit and
// reads state, joined and reply after it; the limiter only carries them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "limits/redis_scripts.hpp"

namespace llmgw::limits {

struct AdmitCompanion {
  enum class State {
    NotSent,     // the admit did not go to Redis (no limit applies to the call): run it apart
    Answered,    // the joined script ran: see joined and reply
    Unanswered,  // Redis did not answer in time, is down, or answered nonsense
  };
  const RedisScript* script = nullptr;  // the joined script (admit_joined_text)
  std::vector<std::string> keys;        // the other script's KEYS
  std::vector<std::string> args;        // the other script's ARGV
  /// When set: fills keys, args and hold_keys. The limiter calls it (once) only when the admit
  /// goes to Redis: a call admitted from a lease sends nothing and needs none of them.
  std::function<void(AdmitCompanion&)> fill;
  State state = State::NotSent;
  int joined = -1;                // Answered: -1 the limits refused (the other not checked),
                                  // 1 both reserved, 0 the other refused (nothing reserved)
  std::vector<long long> reply;   // Answered, joined >= 0: the other's check's reply

  // Admission leases (limits/admission_lease), filled by the other side before the admit:
  std::string lease_class;              // what else makes calls one class (empty: no lease)
  std::int64_t lease_amount = 0;        // this call's part of a lease hold (its own estimate)
  std::vector<std::string> hold_keys;   // per scope: the hold hash, its expiries, its sum
  // ... and by the limiter when the call was admitted from a lease (Answered, joined 1, reply
  // {0, 0, headroom}) without a round trip:
  std::string lease_hold;               // the lease's hold field ("lease:<id>"); empty: its own

  /// Called just before the joined script is sent (not when the call is admitted from a lease):
  /// the other side's queued writes go first on the connection (the budget's settles).
  void (*before_send)(const void* owner) = nullptr;
  const void* owner = nullptr;
};

}  // namespace llmgw::limits

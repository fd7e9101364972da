// Admission leases (issue 11): the calls of one admission class (the same limit scopes with the
// same limits, and the same budget scopes, periods and budgets) that one event loop may still
// admit without a Redis round trip, because the admit script that granted the lease already
// counted them (limits/redis_scripts.hpp: admit; policy/budget_scripts.hpp: admit_reserve):
// k request-log members scored at the lease's end, k × the granting call's token estimate in
// that second's bucket, and a budget hold `lease:<id>` of k × its budget estimate. A call takes
// one request, its own token estimate and its own budget estimate from a lease, only if all fit
// and the lease has not ended (the end of the Redis second it was granted in, measured on this
// loop's steady clock from when the admit was sent: never later than Redis' end). What a lease
// did not use is given back when it ends (a timer), when the loops stop (take_scripts: the
// drain), and never sooner (a lease's calls may still settle). Used only on its loop's thread.
//
// Exact: Redis counts everything a lease may admit before it is admitted, so leases only ever
// make Redis count more than the calls admitted (until the return), never less. Near a limit
// the script grants none (each dimension must have F × k left), so every call there makes its
// own round trip, as without leases.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "limits/limit_scopes.hpp"
#include "limits/window_math.hpp"

namespace llmgw::limits {

class AsyncRedis;

/// One grant, as the admit script answered it.
struct Lease {
  std::string id;                       // the granting call's member: its members are id:L<j>
  Scopes scopes;                        // the limit scopes (the return's keys and flags)
  std::vector<std::string> hold_keys;   // per budget scope: held, hexp, hsum (empty: no budget)
  Decision decision;                    // the granting call's figures (headers of the lease's calls)
  std::int64_t second = 0;              // Redis' unix second: the token bucket and the end
  std::int64_t granted_steady_ms = 0;   // when the granting admit was sent (this loop's clock)
  std::int64_t deadline_steady_ms = 0;  // the end on this loop's steady clock
  std::int64_t granted = 0, used = 0;   // requests
  std::int64_t tokens = 0, tokens_used = 0;
  std::int64_t hold = 0, hold_used = 0;  // nano-dollars
  std::int64_t headroom_nano = 0;        // the budgets' least headroom after the lease
};

/// A call admitted from a lease.
struct LeasedAdmission {
  Decision decision;       // the lease's figures, its used part taken off
  std::string member;      // id:L<j>
  std::string hold;        // "lease:<id>" (empty: the lease holds no budget)
  std::int64_t headroom_nano = 0;
};

class LeaseBook {
 public:
  LeaseBook(boost::asio::io_context& io, AsyncRedis& redis);
  ~LeaseBook();
  LeaseBook(const LeaseBook&) = delete;
  LeaseBook& operator=(const LeaseBook&) = delete;

  /// What a call of class `cls` should do: take (admitted from a lease: `out` filled), or make
  /// the round trip, asking for a lease (`ask`) when none is in flight and the live ones run low
  /// (under half of the last grant left, or none fits). `rate`: the class's calls a second on
  /// this loop, this one counted (a lease asked is sized to it).
  bool take(const std::string& cls, std::int64_t tokens, std::int64_t budget_nano, std::int64_t now_steady_ms,
            LeasedAdmission& out, bool& ask, std::int64_t& rate);
  /// The round trip that asked for `cls`'s lease answered (`lease`: none granted, or failed).
  void answered(const std::string& cls, std::optional<Lease> lease);
  /// Every lease ended by `now_steady_ms` is given back (the timer calls it).
  void return_ended(std::int64_t now_steady_ms);
  /// What every lease did not use, as lease_return scripts (the book emptied): after the loop
  /// stopped (a drain sends them on a blocking connection).
  std::vector<std::vector<std::string>> take_scripts();
  /// Live leases (tests).
  std::size_t size() const;
  /// False once the book is destroyed (a round trip's answer then has nowhere to go).
  std::shared_ptr<const bool> alive() const { return alive_; }

  /// The lease_return script's arguments (EVAL, text, numkeys, KEYS, ARGV) for `lease`'s
  /// unused part; empty when nothing is left to give back.
  static std::vector<std::string> return_script(const Lease& lease);

 private:
  struct Class {
    std::vector<Lease> leases;  // oldest first; a call takes from the first that fits
    bool asking = false;
    std::int64_t last_granted = 0;
    std::int64_t slot = 0, current = 0, previous = 0;  // calls in steady second `slot` and the one before
  };
  void arm(std::int64_t deadline_steady_ms);
  void give_back(const Lease& lease);

  AsyncRedis& redis_;
  boost::asio::steady_timer timer_;
  std::int64_t armed_for_ = 0;  // 0: not armed
  std::unordered_map<std::string, Class> classes_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace llmgw::limits

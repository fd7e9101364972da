// Budget reservations, keyed by request id: what each call in flight may still cost, and what
// finished calls cost until the stored spend (keys/teams rows, read by policy/key_cache) shows it.
//
//   used(scope) = stored spend of the current period
//               + costs settled here whose ledger row is not yet visible in that stored spend
//               + reservations of calls in flight
// A call is admitted while used < budget for every scope that has a budget (all-or-nothing), and
// then reserves its estimate on each; so the call that crosses a budget is made, and calls in
// flight together never claim more than what is left. settle() replaces the reservation with
// the actual cost (less or more: both directions). committed() marks the ledger row written;
// the charge stops counting once the key cache has read the database after that. Reservations
// not settled by their expiry (a crash between reserve and settle cannot happen in-process, but
// a bug or a lost completion can) are dropped; a request id settles at most once, so a retry or
// a second settle never charges twice.
//
// InMemoryReservationStore holds this per instance (no Redis). With Redis configured,
// policy/redis_reservation_store holds it in Redis for every instance (one Lua script per
// reserve, settle and commit); its reserve is awaited (reserve_async) on the loop's own
// asynchronous connection.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "limits/admit_companion.hpp"

namespace llmgw::policy {

/// One budget that applies to a call, as the records say at admission.
struct ScopeBudget {
  std::string scope;                  // "key:<hash>" or "team:<id>"
  std::int64_t budget_nano = 0;       // >= 0
  std::int64_t stored_spend_nano = 0; // the record's spend this period (policy::budget_as_of)
  std::int64_t period_start_ms = 0;   // charges settled before it belong to an earlier period
  /// The stored spend holds every commit stamped before it: the record's updated_at + 1 (a
  /// row's stamps follow its commits, store::SpendStamps). 0: the call's visible_as_of_ms.
  std::int64_t visible_as_of_ms = 0;
};

/// A written ledger batch's stamp on each scope whose stored spend it raised ("key:<hash>",
/// "team:<id>"; store::SpendStamps). A scope not in it is stamped with the commit's now_ms.
using CommitStamps = std::unordered_map<std::string, std::int64_t>;

struct ReserveResult {
  int refused = -1;               // index of the first scope already spent; -1: reserved;
                                  // -2: not checked, nothing held (joined_result: limits refused)
  std::int64_t used_nano = 0;     // that scope's use (refused), for the message
  std::int64_t headroom_nano = 0; // reserved: the least budget − use over the scopes, before this call
};

class ReservationStore {
 public:
  virtual ~ReservationStore() = default;
  /// reserve(), awaited on an event loop: a store shared through Redis answers after its round
  /// trip without blocking the loop. The default answers at once.
  virtual boost::asio::awaitable<ReserveResult> reserve_async(std::string request_id, std::vector<ScopeBudget> scopes,
                                                              std::int64_t amount_nano, std::int64_t now_ms,
                                                              std::int64_t visible_as_of_ms) {
    co_return reserve(request_id, scopes, amount_nano, now_ms, visible_as_of_ms);
  }
  /// Whether reserve can ride in the rate limits' admit script (a store in the limits' Redis):
  /// then join_admit() and joined_result() stand for reserve_async().
  virtual bool joins_admit() const { return false; }
  /// The reserve as the limits' admit's companion (limits/admit_companion.hpp), on the loop that
  /// sends the admit right after. `scopes` must stay alive until that admit returns (its KEYS
  /// and ARGV may be made from them only when the admit goes to Redis).
  virtual void join_admit(limits::AdmitCompanion& /*companion*/, const std::string& /*request_id*/,
                          const std::vector<ScopeBudget>& /*scopes*/, std::int64_t /*amount_nano*/,
                          std::int64_t /*now_ms*/, std::int64_t /*visible_as_of_ms*/) {}
  /// After the admit: the reserve's result, recorded as reserve_async() records it. The limits
  /// refused (the reserve never checked): refused -2 and nothing held. Not sent (no limit
  /// applied): reserve_async() is still to run, and this is not called.
  virtual ReserveResult joined_result(const limits::AdmitCompanion& /*companion*/, std::string /*request_id*/,
                                      std::vector<ScopeBudget> /*scopes*/, std::int64_t /*amount_nano*/,
                                      std::int64_t /*now_ms*/, std::int64_t /*visible_as_of_ms*/) {
    return ReserveResult{-2, 0, 0};
  }
  /// Per event loop, on its thread, before it serves (a shared store opens its connection).
  virtual void on_loop_start(boost::asio::io_context&) {}
  /// After the loops stopped, while their io_contexts exist.
  virtual void release_loop_connections() {}
  /// `visible_as_of_ms`: the stored spend includes every ledger row committed (stamped) before
  /// it, for each scope that does not give its own (ScopeBudget::visible_as_of_ms).
  virtual ReserveResult reserve(std::string_view request_id, const std::vector<ScopeBudget>& scopes,
                                std::int64_t amount_nano, std::int64_t now_ms, std::int64_t visible_as_of_ms) = 0;
  /// The call ended and cost `cost_nano`. An unknown (never reserved, expired, settled) id:
  /// nothing, and false.
  virtual bool settle(std::string_view request_id, std::int64_t cost_nano, std::int64_t now_ms) = 0;
  /// The ledger row of `request_id` is in the database, stamped `now_ms` on each of its scopes.
  void committed(std::string_view request_id, std::int64_t now_ms) {
    committed_many(std::vector<std::string_view>{request_id}, now_ms, CommitStamps{});
  }
  /// A written batch's rows are in the database: on each scope stamped as `stamps` says (else
  /// `now_ms`), so that a reader whose record shows the stamp does not count them twice.
  virtual void committed_many(const std::vector<std::string_view>& request_ids, std::int64_t now_ms,
                              const CommitStamps& stamps) = 0;
  /// Reservations held (tests and metrics).
  virtual std::size_t reservations() const = 0;
  /// Settled costs still counted on top of the stored spend (tests).
  virtual std::size_t pending_charges() const = 0;
};

class InMemoryReservationStore final : public ReservationStore {
 public:
  /// `ttl_ms`: a reservation not settled within it is dropped. `charge_ttl_ms`: a settled cost
  /// whose ledger row never reaches the database (the row was dropped) stops counting then.
  explicit InMemoryReservationStore(std::int64_t ttl_ms = 15 * 60 * 1000,
                                    std::int64_t charge_ttl_ms = 60 * 60 * 1000)
      : ttl_ms_(ttl_ms), charge_ttl_ms_(charge_ttl_ms) {}

  ReserveResult reserve(std::string_view request_id, const std::vector<ScopeBudget>& scopes, std::int64_t amount_nano,
                        std::int64_t now_ms, std::int64_t visible_as_of_ms) override;
  bool settle(std::string_view request_id, std::int64_t cost_nano, std::int64_t now_ms) override;
  void committed_many(const std::vector<std::string_view>& request_ids, std::int64_t now_ms,
                      const CommitStamps& stamps) override;
  std::size_t reservations() const override;
  std::size_t pending_charges() const override;

 private:
  struct Charge {
    std::int64_t cost = 0, settled_ms = 0, committed_ms = 0;  // committed_ms 0: not yet
  };
  struct Scope {
    std::int64_t reserved = 0;
    std::unordered_map<std::string, Charge> charges;  // by request id
  };
  struct Hold {
    std::vector<std::string> scopes;
    std::int64_t amount = 0, expires_ms = 0;
  };

  std::int64_t used(Scope& s, const ScopeBudget& b, std::int64_t now_ms, std::int64_t visible_as_of_ms);
  void expire(std::int64_t now_ms);

  const std::int64_t ttl_ms_, charge_ttl_ms_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Scope> scopes_;
  std::unordered_map<std::string, Hold> holds_;                         // by request id
  std::unordered_map<std::string, std::vector<std::string>> charged_;   // request id → scopes charged
  std::int64_t next_expiry_sweep_ms_ = 0;
};

}  // namespace llmgw::policy

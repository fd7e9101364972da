// Reserve, then reconcile: admission while a budget has room, all-or-nothing over the scopes,
// refunds and top-ups at settle, one settle per request id, expiry of what is never settled,
// settled costs counted until the stored spend shows them, and the period boundary.
#include <catch2/catch.hpp>

#include "policy/reservation_store.hpp"

using namespace llmgw::policy;

namespace {

ScopeBudget key(std::int64_t budget, std::int64_t stored = 0, std::int64_t period_start = 0) {
  return ScopeBudget{"key:k", budget, stored, period_start};
}
ScopeBudget team(std::int64_t budget, std::int64_t stored = 0) { return ScopeBudget{"team:t", budget, stored, 0}; }

}  // namespace

TEST_CASE("reservations: calls in flight hold budget; the crossing call is admitted, later ones not") {
  InMemoryReservationStore s;
  const std::int64_t now = 1'000'000;
  // Budget 100, stored 0: a 60 reservation leaves room for another call (used 60 < 100)...
  auto a = s.reserve("a", {key(100)}, 60, now, now);
  CHECK(a.refused == -1);
  CHECK(a.headroom_nano == 100);
  auto b = s.reserve("b", {key(100)}, 60, now, now);
  CHECK(b.refused == -1);
  CHECK(b.headroom_nano == 40);
  // ...but not a third: 120 held.
  auto c = s.reserve("c", {key(100)}, 1, now, now);
  CHECK(c.refused == 0);
  CHECK(c.used_nano == 120);
  CHECK(s.reservations() == 2);
  // Reconcile both ways: a cost 10 (refund 50), b cost 95 (top-up 35): used 105 ≥ 100.
  CHECK(s.settle("a", 10, now));
  CHECK(s.settle("b", 95, now));
  CHECK(s.reservations() == 0);
  CHECK(s.reserve("d", {key(100)}, 1, now, now).refused == 0);
  // A second settle of the same id charges nothing more.
  CHECK_FALSE(s.settle("b", 95, now));
  CHECK(s.reserve("d", {key(200)}, 1, now, now).headroom_nano == 95);
}

TEST_CASE("reservations: all or nothing over key and team") {
  InMemoryReservationStore s;
  const std::int64_t now = 5000;
  CHECK(s.reserve("a", {key(1000), team(50, 50)}, 10, now, now).refused == 1);
  CHECK(s.reservations() == 0);
  // Nothing was held on the key by the refused call.
  CHECK(s.reserve("b", {key(1000)}, 10, now, now).headroom_nano == 1000);
}

TEST_CASE("reservations: an unsettled reservation expires; a settle after expiry charges nothing") {
  InMemoryReservationStore s(/*ttl_ms=*/1000);
  CHECK(s.reserve("lost", {key(100)}, 100, 0, 0).refused == -1);
  CHECK(s.reserve("x", {key(100)}, 1, 500, 0).refused == 0);  // held
  CHECK(s.reserve("y", {key(100)}, 1, 1001, 0).refused == -1); // expired and swept
  CHECK(s.reservations() == 1);
  CHECK_FALSE(s.settle("lost", 100, 1002));
  CHECK(s.pending_charges() == 0);
}

TEST_CASE("reservations: a settled cost counts until the stored spend includes it") {
  InMemoryReservationStore s;
  REQUIRE(s.reserve("a", {key(100)}, 10, 1000, 900).refused == -1);
  s.settle("a", 70, 1100);
  // Stored spend 0 (the row is not written yet): 70 used.
  CHECK(s.reserve("b", {key(100, 0)}, 0, 1200, 1150).headroom_nano == 30);
  s.settle("b", 0, 1200);
  // Written at 1300: still counted while the cache is older than that...
  s.committed("a", 1300);
  CHECK(s.reserve("c", {key(100, 0)}, 0, 1400, 1300).headroom_nano == 30);
  s.settle("c", 0, 1400);
  // ...and not once the cache read after it (its stored spend now says 70).
  CHECK(s.reserve("d", {key(100, 70)}, 0, 1500, 1301).headroom_nano == 30);
  CHECK(s.pending_charges() == 0);
}

TEST_CASE("reservations: costs settled before the period started do not count") {
  InMemoryReservationStore s;
  REQUIRE(s.reserve("a", {key(100)}, 10, 1000, 0).refused == -1);
  s.settle("a", 100, 1000);
  CHECK(s.reserve("b", {key(100, 0, 0)}, 0, 2000, 0).refused == 0);          // this period: spent
  CHECK(s.reserve("c", {key(100, 0, 1500)}, 0, 2000, 0).refused == -1);      // reset at 1500: room again
}

TEST_CASE("reservations: each scope's commit stamp is compared with that scope's own record") {
  InMemoryReservationStore s;
  const auto both = [](std::int64_t key_budget, std::int64_t key_stored, std::int64_t key_visible,
                       std::int64_t team_budget, std::int64_t team_stored, std::int64_t team_visible) {
    return std::vector<ScopeBudget>{{"key:k", key_budget, key_stored, 0, key_visible},
                                    {"team:t", team_budget, team_stored, 0, team_visible}};
  };
  REQUIRE(s.reserve("a", both(100, 0, 1, 100, 0, 1), 10, 1000, 900).refused == -1);
  s.settle("a", 70, 1100);
  // The batch stamped the key's row 500 and the team's 800 (a scope not stamped: now, 1300).
  s.committed_many({"a"}, 1300, CommitStamps{{"key:k", 500}, {"team:t", 800}});
  // The key's record shows it (updated_at 500): not counted twice there (that would refuse).
  CHECK(s.reserve("b", both(100, 70, 501, 1'000, 0, 701), 0, 1400, 0).headroom_nano == 30);
  s.settle("b", 0, 1400);
  // The team's record does not (updated_at 700): 70 on top of it, whatever the call-wide
  // visible_as_of (2000) says.
  CHECK(s.reserve("c", both(1'000, 70, 501, 100, 0, 701), 0, 1400, 2000).headroom_nano == 30);
  s.settle("c", 0, 1400);
  // Both records show it: nothing on top of either.
  CHECK(s.reserve("d", both(100, 70, 501, 100, 70, 801), 0, 1500, 0).headroom_nano == 30);
  CHECK(s.pending_charges() == 0);
}

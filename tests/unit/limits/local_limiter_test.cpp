#include <catch2/catch.hpp>

#include <thread>

#include "limits/local_limiter.hpp"

using namespace llmgw::limits;

namespace {
Scope scope(std::string id, int64_t rpm, int64_t tpm, int64_t parallel) {
  return Scope{ScopeKind::key, std::move(id), rpm, tpm, parallel};
}
}  // namespace

TEST_CASE("local limiter: all or nothing across scopes") {
  LocalLimiter l;
  const int64_t t = 1'700'000'000'000;
  const Scopes key_a{scope("key:a", 5, 0, 0), scope("team:t", 3, 0, 0)};
  const Scopes key_b{scope("key:b", 5, 0, 0), scope("team:t", 3, 0, 0)};
  CHECK(l.admit(key_a, 0, t).allowed);
  CHECK(l.admit(key_b, 0, t).allowed);
  CHECK(l.admit(key_a, 0, t).allowed);
  const Decision d = l.admit(key_b, 0, t + 1);  // the team's third is spent
  CHECK_FALSE(d.allowed);
  CHECK(d.refused_scope == 1);
  CHECK(d.refused == Dimension::requests);
  CHECK(d.retry_after_ms == kWindowMs - 1);
  // Nothing was reserved for key b by the refused call: with the team lifted, b has 4 left.
  const Decision alone = l.admit({scope("key:b", 5, 0, 0)}, 0, t + 2);
  REQUIRE(alone.allowed);
  CHECK(alone.figures[0].req_remaining == 3);
}

TEST_CASE("local limiter: parallel slots are held until finish; tokens are reconciled") {
  LocalLimiter l;
  const int64_t t = 1'700'000'000'000;
  const Scopes s{scope("key:p", 0, 1000, 2)};
  CHECK(l.admit(s, 600, t).allowed);
  const Decision second = l.admit(s, 300, t);
  REQUIRE(second.allowed);
  CHECK(second.figures[0].tok_remaining == 100);
  CHECK(second.figures[0].par_remaining == 0);
  const Decision third = l.admit(s, 1, t);
  CHECK_FALSE(third.allowed);
  CHECK(third.refused == Dimension::parallel);
  // The first call used 100 tokens, not 600: 500 back, one slot free.
  l.finish(s, t / 1000, {100 - 600}, t + 10);
  const Decision fourth = l.admit(s, 550, t + 20);
  REQUIRE(fourth.allowed);
  CHECK(fourth.figures[0].tok_remaining == 1000 - 100 - 300 - 550);
}

TEST_CASE("local limiter: release gives back the request, the tokens and the slot") {
  LocalLimiter l;
  const int64_t t = 1'700'000'000'000;
  const Scopes s{scope("key:g", 2, 1000, 1)};
  REQUIRE(l.admit(s, 100, t).allowed);
  REQUIRE(l.admit(Scopes{scope("key:g", 2, 1000, 0)}, 600, t + 5).allowed);
  l.release(Scopes{scope("key:g", 2, 1000, 0)}, t + 5, {-600}, t + 6);  // the second, refused by its budget
  const Decision next = l.admit(Scopes{scope("key:g", 2, 1000, 0)}, 900, t + 7);
  REQUIRE(next.allowed);  // one request and 100 tokens counted before it
  CHECK(next.figures[0].req_remaining == 0);
  CHECK(next.figures[0].tok_remaining == 0);
  // A release names its own admission: another request's time takes nothing back.
  l.release(Scopes{scope("key:g", 2, 0, 0)}, t + 3, {0}, t + 8);
  CHECK_FALSE(l.admit(Scopes{scope("key:g", 2, 0, 0)}, 0, t + 9).allowed);
}

TEST_CASE("local limiter: exact under threads") {
  LocalLimiter l;
  const Scopes s{scope("key:x", 300, 0, 0)};
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k)
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i)
        if (l.admit(s, 0, 1'700'000'000'000 + i).allowed) ++admitted;
    });
  for (auto& th : threads) th.join();
  CHECK(admitted.load() == 300);
}

TEST_CASE("local limiter: idle scopes are retired; busy ones and calls in flight are kept") {
  LocalLimiter l;
  const int64_t t = 1'700'000'000'000;
  for (int i = 0; i < 100; ++i) REQUIRE(l.admit({scope("key:once-" + std::to_string(i), 10, 0, 0)}, 0, t).allowed);
  const Scopes parallel{scope("key:long-call", 0, 0, 1)};
  REQUIRE(l.admit(parallel, 0, t).allowed);
  const Scopes busy{scope("key:busy", 2, 0, 0)};
  REQUIRE(l.admit(busy, 0, t + 59'000).allowed);
  CHECK(l.scope_count() == 102);
  // A minute on: every shard sweeps on its next look-up. Only the busy key (a request 1 s ago)
  // and the call still in flight keep their states.
  for (int i = 0; i < 64; ++i) (void)l.admit({scope("key:probe-" + std::to_string(i), 0, 0, 0)}, 0, t + kWindowMs);
  CHECK(l.scope_count() <= 2 + 64);
  CHECK(l.scope_count() >= 2);
  // The busy key's window still counts its request: one left of two.
  const Decision b = l.admit(busy, 0, t + kWindowMs + 1);
  REQUIRE(b.allowed);
  CHECK(b.figures[0].req_remaining == 0);
  // The call in flight still holds its slot, and its finish frees it.
  CHECK_FALSE(l.admit(parallel, 0, t + kWindowMs + 2).allowed);
  l.finish(parallel, t / 1000, {0}, t + kWindowMs + 3);
  CHECK(l.admit(parallel, 0, t + kWindowMs + 4).allowed);
}

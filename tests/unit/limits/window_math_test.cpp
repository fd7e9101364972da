#include <catch2/catch.hpp>

#include "limits/window_math.hpp"

using namespace llmgw::limits;

TEST_CASE("request window: exactly the limit within 60 s, a slot frees when the oldest leaves") {
  RequestWindow w;
  const int64_t t0 = 1'700'000'000'000;
  for (int i = 0; i < 3; ++i) {
    ScopeFigures f;
    int64_t retry = 0;
    REQUIRE(w.check(t0 + i * 1000, 3, f, retry));
    CHECK(f.req_remaining == 2 - i);
    CHECK(f.req_reset_ms == kWindowMs);
    w.add(t0 + i * 1000);
  }
  ScopeFigures f;
  int64_t retry = 0;
  CHECK_FALSE(w.check(t0 + 5000, 3, f, retry));
  CHECK(f.req_limit == 3);
  CHECK(f.req_remaining == 0);
  CHECK(retry == kWindowMs - 5000);             // the first (t0) leaves at t0 + 60 s
  CHECK(f.req_reset_ms == kWindowMs - 5000 + 2000);  // the newest (t0 + 2 s) leaves then
  // One millisecond before the oldest leaves: still full; at its exit: room for one.
  CHECK_FALSE(w.check(t0 + kWindowMs - 1, 3, f, retry));
  CHECK(retry == 1);
  CHECK(w.check(t0 + kWindowMs, 3, f, retry));
  CHECK(f.req_remaining == 0);
  CHECK(w.size() == 2);
}

TEST_CASE("request window: after the limit is lowered, the retry waits for enough entries to leave") {
  RequestWindow w;
  for (int i = 0; i < 5; ++i) w.add(1000 * i);
  ScopeFigures f;
  int64_t retry = 0;
  CHECK_FALSE(w.check(5000, 2, f, retry));
  // 5 in the window, limit 2: four must leave (t = 0 … 3000) for one more to fit.
  CHECK(retry == 3000 + kWindowMs - 5000);
}

TEST_CASE("token window: per-second buckets, reservation, refund, retry when enough leaves") {
  TokenWindow w;
  const int64_t t0 = 1'700'000'000'000;  // a whole second
  ScopeFigures f;
  int64_t retry = 0;
  REQUIRE(w.check(t0, 1000, 400, f, retry));
  CHECK(f.tok_remaining == 600);
  w.add(t0 / 1000, 400, t0);
  REQUIRE(w.check(t0 + 10'000, 1000, 500, f, retry));
  w.add((t0 + 10'000) / 1000, 500, t0 + 10'000);
  CHECK(w.used(t0 + 10'000) == 900);
  CHECK_FALSE(w.check(t0 + 20'000, 1000, 200, f, retry));
  CHECK(f.tok_remaining == 100);
  CHECK(retry == kWindowMs - 20'000);  // the 400 of second t0 leave at t0 + 60 s
  CHECK(f.tok_reset_ms == kWindowMs - 10'000);
  // A refund in the first bucket makes room at once.
  w.add(t0 / 1000, -300, t0 + 20'000);
  CHECK(w.used(t0 + 20'000) == 600);
  CHECK(w.check(t0 + 20'000, 1000, 200, f, retry));
  // A bucket never goes below zero; a refund for a second that left the window is dropped.
  w.add(t0 / 1000, -5000, t0 + 20'000);
  CHECK(w.used(t0 + 20'000) == 500);
  w.add(t0 / 1000, -100, t0 + kWindowMs + 1);
  CHECK(w.used(t0 + kWindowMs + 1) == 500);
  // A late positive correction lands in the current second.
  w.add(t0 / 1000 - 100, 50, t0 + 30'000);
  CHECK(w.used(t0 + 30'000) == 550);
  CHECK(w.used(t0 + 10'000 + kWindowMs) == 50);
}

TEST_CASE("token reservation is cut to the limit: a request larger than the limit runs alone") {
  CHECK(token_reservation(5000, 1000) == 1000);
  CHECK(token_reservation(500, 1000) == 500);
  CHECK(token_reservation(-5, 1000) == 0);
  TokenWindow w;
  ScopeFigures f;
  int64_t retry = 0;
  CHECK(w.check(0, 1000, token_reservation(5000, 1000), f, retry));
  w.add(0, 1000, 0);
  CHECK_FALSE(w.check(100, 1000, 1, f, retry));
}

TEST_CASE("parallel count") {
  ParallelCount p;
  ScopeFigures f;
  int64_t retry = 0;
  CHECK(p.check(2, f, retry));
  CHECK(f.par_remaining == 1);
  p.in_flight = 2;
  CHECK_FALSE(p.check(2, f, retry));
  CHECK(retry == kParallelRetryMs);
  CHECK(f.par_remaining == 0);
}

TEST_CASE("reset durations in OpenAI's format") {
  CHECK(format_reset(0) == "0s");
  CHECK(format_reset(-3) == "0s");
  CHECK(format_reset(20) == "20ms");
  CHECK(format_reset(1000) == "1s");
  CHECK(format_reset(1500) == "1.5s");
  CHECK(format_reset(17'279) == "17.279s");
  CHECK(format_reset(59'999) == "59.999s");
  CHECK(format_reset(60'000) == "1m0s");
  CHECK(format_reset(360'000) == "6m0s");
}

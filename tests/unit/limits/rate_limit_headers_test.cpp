#include <catch2/catch.hpp>

#include <map>

#include "limits/local_limiter.hpp"
#include "limits/rate_limit_headers.hpp"

using namespace llmgw::limits;

namespace {
std::map<std::string, std::string> as_map(const Headers& h) { return {h.begin(), h.end()}; }
}  // namespace

TEST_CASE("headers report, per dimension, the scope with the least left") {
  const Scopes scopes{Scope{ScopeKind::key, "key:k", 100, 10'000, 0}, Scope{ScopeKind::team, "team:t", 10, 0, 0}};
  Decision d;
  d.figures = {ScopeFigures{100, 80, 60'000, 10'000, 9'000, 59'500, 0, 0},
               ScopeFigures{10, 4, 42'000, 0, 0, 0, 0, 0}};
  const auto h = as_map(rate_limit_headers(scopes, d));
  CHECK(h.at("x-ratelimit-limit-requests") == "10");
  CHECK(h.at("x-ratelimit-remaining-requests") == "4");
  CHECK(h.at("x-ratelimit-reset-requests") == "42s");
  CHECK(h.at("x-ratelimit-limit-tokens") == "10000");
  CHECK(h.at("x-ratelimit-remaining-tokens") == "9000");
  CHECK(h.at("x-ratelimit-reset-tokens") == "59.5s");
  CHECK_FALSE(refusal(scopes, d).has_value());
}

TEST_CASE("no token headers without a TPM limit; none at all without scopes") {
  const Scopes scopes{Scope{ScopeKind::key, "key:k", 5, 0, 0}};
  Decision d;
  d.figures = {ScopeFigures{5, 4, 60'000, 0, 0, 0, 0, 0}};
  const auto h = as_map(rate_limit_headers(scopes, d));
  CHECK(h.size() == 3);
  CHECK(h.count("x-ratelimit-limit-tokens") == 0);
  CHECK(rate_limit_headers({}, Decision{}).empty());
}

TEST_CASE("a refusal: 429 rate_limit_error / rate_limit_exceeded naming the scope, Retry-After from the counters") {
  LocalLimiter l;
  const Scopes scopes{Scope{ScopeKind::key, "key:k", 0, 0, 0}, Scope{ScopeKind::team, "team:eng", 2, 0, 0}};
  const int64_t t = 1'700'000'000'000;
  REQUIRE(l.admit(scopes, 0, t).allowed);
  REQUIRE(l.admit(scopes, 0, t + 1000).allowed);
  const Decision d = l.admit(scopes, 0, t + 1500);
  REQUIRE_FALSE(d.allowed);
  const auto e = refusal(scopes, d);
  REQUIRE(e);
  CHECK(e->status == 429);
  CHECK(e->type == "rate_limit_error");
  CHECK(e->code == "rate_limit_exceeded");
  CHECK(e->retry_after_ms == kWindowMs - 1500);
  CHECK(e->message.find("team 'eng'") != std::string::npos);
  CHECK(e->message.find("requests per minute (RPM): limit 2") != std::string::npos);
  const auto h = as_map(rate_limit_headers(scopes, d));
  CHECK(h.at("x-ratelimit-limit-requests") == "2");
  CHECK(h.at("x-ratelimit-remaining-requests") == "0");
  CHECK(h.at("x-ratelimit-reset-requests") == "59.5s");
}

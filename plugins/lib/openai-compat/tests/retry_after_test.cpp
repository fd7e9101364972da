#include <openai_compat/retry_after.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace llmgw::openai_compat;

TEST_CASE("durations in OpenAI's and Azure's formats", "[retry]") {
  CHECK(parse_duration_ms("20ms") == 20);
  CHECK(parse_duration_ms("1s") == 1000);
  CHECK(parse_duration_ms("6m0s") == 360000);
  CHECK(parse_duration_ms("1h2m3.5s") == 3723500);
  CHECK(parse_duration_ms("0.5s") == 500);
  CHECK(parse_duration_ms("17.123s") == 17123);
  CHECK(parse_duration_ms("250us") == 1);  // rounded up
  CHECK(parse_duration_ms("999ns") == 1);
  CHECK(parse_duration_ms("0") == 0);
  CHECK(parse_duration_ms("6") == 6000);   // Azure: plain seconds
  CHECK(parse_duration_ms(" 12ms ") == 12);
  CHECK(parse_duration_ms("") == -1);
  CHECK(parse_duration_ms("abc") == -1);
  CHECK(parse_duration_ms("1x") == -1);
  CHECK(parse_duration_ms("1s2") == -1);
  CHECK(parse_duration_ms("-1s") == -1);
}

TEST_CASE("HTTP-dates", "[retry]") {
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
  CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == 784111777);
  CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
  CHECK(parse_http_date("Wed, 29 Feb 2040 23:59:59 GMT") == 2214172799);
  CHECK(parse_http_date("Sun, 06 Nov 1994 08:49 GMT") == -1);
  CHECK(parse_http_date("06 Nov 1994") == -1);
  CHECK(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT") == -1);
}

TEST_CASE("Retry-After values", "[retry]") {
  const int64_t now = 784111777LL * 1000;
  CHECK(parse_retry_after_ms("20", now) == 20000);
  CHECK(parse_retry_after_ms("0", now) == 0);
  CHECK(parse_retry_after_ms("1.5", now) == 1500);
  CHECK(parse_retry_after_ms("Sun, 06 Nov 1994 08:50:07 GMT", now) == 30000);
  CHECK(parse_retry_after_ms("Sun, 06 Nov 1994 08:00:00 GMT", now) == 0);  // in the past
  CHECK(parse_retry_after_ms("soon", now) == -1);
  CHECK(parse_retry_after_ms("20 s", now) == -1);
}

namespace {
int64_t from(const std::vector<std::pair<std::string, std::string>>& hs) {
  std::vector<llmgw_header> v;
  for (const auto& [n, val] : hs) v.push_back({{n.data(), n.size()}, {val.data(), val.size()}});
  return retry_after_from_headers(v.data(), v.size(), 0);
}
}  // namespace

TEST_CASE("retry hint from response headers", "[retry]") {
  CHECK(from({}) == -1);
  CHECK(from({{"Retry-After", "7"}}) == 7000);
  CHECK(from({{"retry-after-ms", "1500"}, {"Retry-After", "2"}}) == 1500);
  CHECK(from({{"x-ms-retry-after-ms", "250"}, {"Retry-After", "2"}}) == 250);
  CHECK(from({{"Retry-After", "2"}, {"x-ratelimit-reset-tokens", "6m0s"}}) == 2000);
  CHECK(from({{"Retry-After", "bogus"}, {"x-ratelimit-reset-tokens", "3s"}}) == 3000);
  // The exhausted window decides; when none is exhausted, the sooner reset.
  CHECK(from({{"x-ratelimit-remaining-requests", "4999"}, {"x-ratelimit-reset-requests", "6m0s"},
              {"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "1s"}}) == 1000);
  CHECK(from({{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "6m0s"},
              {"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "1s"}}) == 360000);
  CHECK(from({{"x-ratelimit-reset-requests", "12ms"}, {"x-ratelimit-reset-tokens", "9ms"}}) == 9);
  CHECK(from({{"X-RateLimit-Reset-Tokens", "6m0s"}, {"X-RateLimit-Remaining-Tokens", "0"}}) == 360000);
}

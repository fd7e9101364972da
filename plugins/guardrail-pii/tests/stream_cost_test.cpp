// What a streamed event costs while the stream holds a long possible match (issue 12): a JWT up
// to its 8 KB cap or a token up to 512 bytes, fed one byte per event. Each event must cost its
// own bytes, not the held text's: before, every event re-confirmed all of the held match (a
// 12 KB JWT fed a byte at a time took over a minute on an event-loop thread).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <random>

#include "test_util.hpp"

#include "random_text.hpp"

using pii_test::kTokenChars;
using pii_test::random_text;

using llmgw::testing::GuardrailInstance;
using llmgw::testing::GuardStreamSession;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif


struct Cost {
  std::string out;
  double total_ms = 0;
  double worst_ms = 0;  // the slowest single event
};

/// Feeds `text` one byte per event on channel 0, closes it, and times each event.
Cost one_byte_events(GuardrailInstance& g, const std::string& text) {
  using clock = std::chrono::steady_clock;
  GuardStreamSession s(g);
  REQUIRE(s.rc == LLMGW_OK);
  Cost c;
  for (std::size_t at = 0; at <= text.size(); ++at) {
    const auto t0 = clock::now();
    const int rc = at < text.size() ? s.feed(0, std::string_view(text).substr(at, 1)) : s.close(0);
    const double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    REQUIRE(rc == LLMGW_OK);
    c.total_ms += ms;
    c.worst_ms = std::max(c.worst_ms, ms);
  }
  c.out = s.text(0);
  return c;
}

}  // namespace

TEST_CASE("a long token fed one byte per event costs each event its byte, not the held text", "[stream][cost]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::pair<std::string, std::string> secrets[] = {
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + random_text(12000, kTokenChars, 4), "[JWT_1]"},
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + random_text(7000, kTokenChars, 6), "[JWT_1]"},
      {"sk-proj-" + random_text(3000, kTokenChars, 1), "[OPENAI_KEY_1]"},
      {"ghp_" + random_text(500, "ABCDEFabcdef0123456789", 3), "[GITHUB_TOKEN_1]"},
  };
  // Release: a few milliseconds for all of it; the bound leaves room for a loaded machine and
  // for sanitizers (about 10x slower).
  const double bound_ms = kSanitized ? 10000 : 1000;
  for (const auto& [secret, placeholder] : secrets) {
    const std::string text = "the token is " + secret + " and that is all.";
    const Cost c = one_byte_events(g, text);
    std::printf("%-18s %6zu bytes, one per event: total %9.1f ms, worst event %7.3f ms\n", placeholder.c_str(),
                secret.size(), c.total_ms, c.worst_ms);
    INFO(placeholder << " of " << secret.size() << " bytes");
    CHECK(c.out == "the token is " + placeholder + " and that is all.");
    CHECK(c.total_ms < bound_ms);
  }
}

// Streamed answers: a match split across pieces at every offset is still found and redacted, and
// the stream holds back only the tail that could still become a match.
#include <catch2/catch.hpp>

#include "test_util.hpp"

using llmgw::testing::GuardrailInstance;
using llmgw::testing::GuardStreamSession;

namespace {

/// Feeds `text` cut at `cuts` (offsets) on channel 0, closes it, and returns what was released.
std::string run(GuardrailInstance& g, const std::string& text, std::vector<std::size_t> cuts) {
  GuardStreamSession s(g);
  REQUIRE(s.rc == LLMGW_OK);
  std::size_t at = 0;
  cuts.push_back(text.size());
  for (std::size_t cut : cuts) {
    REQUIRE(s.feed(0, text.substr(at, cut - at)) == LLMGW_OK);
    at = cut;
  }
  REQUIRE(s.close(0) == LLMGW_OK);
  return s.text(0);
}

}  // namespace

TEST_CASE("a match split at every offset, in two and three pieces", "[stream]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::pair<std::string, std::string> cases[] = {
      {"Mail me at john.doe@example.com, or call +44 20 7946 0958. Card 4111 1111 1111 1111 ok.",
       "Mail me at [EMAIL_1], or call [PHONE_1]. Card [CARD_1] ok."},
      {"key AKIAIOSFODNN7EXAMPLE and ssn 123-45-6789", "key [AWS_ACCESS_KEY_1] and ssn [SSN_1]"},
      {"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- done",
       "[PRIVATE_KEY_1] done"},
  };
  for (const auto& [text, expected] : cases) {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      INFO("cut at " << i);
      CHECK(run(g, text, {i}) == expected);
    }
    for (std::size_t i = 0; i <= text.size(); i += 3)
      for (std::size_t j = i; j <= text.size(); j += 5) CHECK(run(g, text, {i, j}) == expected);
  }
}

TEST_CASE("one byte at a time", "[stream]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::string text = "to a@example.com from 192.168.1.10 with IBAN GB82WEST12345698765432.";
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < text.size(); ++i) cuts.push_back(i);
  CHECK(run(g, text, cuts) == "to [EMAIL_1] from [IPV4_1] with IBAN [IBAN_1].");
}

TEST_CASE("a key block whose body holds another BEGIN line is redacted from the first", "[stream]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::string text =
      "x -----BEGIN PRIVATE KEY-----\nMII-----BEGIN PRIVATE KEY-----SC\n-----END PRIVATE KEY----- y";
  for (std::size_t i = 0; i <= text.size(); ++i) {
    INFO("cut at " << i);
    CHECK(run(g, text, {i}) == "x [PRIVATE_KEY_1] y");
  }
}

TEST_CASE("a long run is held back no further than its longest match, fed a byte at a time", "[stream]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  GuardStreamSession s(g);
  const std::string blob(20000, 'x');
  for (char c : blob) REQUIRE(s.feed(0, std::string_view(&c, 1)) == LLMGW_OK);
  // The longest hold of a run of word characters is a JWT's (8192 bytes): the rest is out.
  CHECK(s.text(0).size() >= blob.size() - 8192 - 1);
  CHECK(s.text(0).size() < blob.size());
  REQUIRE(s.close(0) == LLMGW_OK);
  CHECK(s.text(0) == blob);
}

TEST_CASE("only the tail that could still become a match is held back", "[stream]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  GuardStreamSession s(g);
  REQUIRE(s.feed(0, "Hello there, how are you today? I am fine") == LLMGW_OK);
  // Everything up to the last word (and the space a phone or card could start with) is out.
  CHECK(s.text(0).starts_with("Hello there, how are you today? I am"));
  CHECK(s.text(0).size() >= std::string("Hello there, how are you today? I am").size() - 1);
  REQUIRE(s.feed(0, " and you? Write to bob") == LLMGW_OK);
  CHECK(s.text(0).find("bob") == std::string::npos);  // "bob" may become bob@example.com
  REQUIRE(s.feed(0, "@example.com.") == LLMGW_OK);
  REQUIRE(s.close(0) == LLMGW_OK);
  CHECK(s.text(0) == "Hello there, how are you today? I am fine and you? Write to [EMAIL_1].");
}

TEST_CASE("channels are independent; a block stops the stream and names the detector", "[stream]") {
  GuardrailInstance g(pii_test::vtable(), R"({"detectors":{"us_ssn":"block"}})");
  GuardStreamSession s(g);
  REQUIRE(s.feed(0, "text a@exam") == LLMGW_OK);
  REQUIRE(s.feed(1, R"({"to":"b@exam)") == LLMGW_OK);
  REQUIRE(s.feed(0, "ple.com") == LLMGW_OK);
  REQUIRE(s.feed(1, R"(ple.com"})") == LLMGW_OK);
  REQUIRE(s.close(0) == LLMGW_OK);
  REQUIRE(s.close(1) == LLMGW_OK);
  // Numbered in the order they are released: channel 1's address ended first (at its quote).
  CHECK(s.text(0) == "text [EMAIL_2]");
  CHECK(s.text(1) == R"({"to":"[EMAIL_1]"})");
  GuardStreamSession b(g);
  REQUIRE(b.feed(0, "ssn 123-4") == LLMGW_OK);
  REQUIRE(b.feed(0, "5-6789 and more") == LLMGW_OK);
  REQUIRE(b.close(0) == LLMGW_OK);
  CHECK(b.detector == "us_ssn");
  CHECK(b.text(0).find("6789") == std::string::npos);
}

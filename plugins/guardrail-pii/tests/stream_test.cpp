// Streamed answers: a match split across pieces at every offset is still found and redacted, and
// the stream holds back only the tail that could still become a match.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <random>

#include "scanner.hpp"
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

namespace {

using namespace llmgw::pii;

/// The hold-back the rule gives, measured from scratch the plain way (as hold_back did before it
/// looked only at new bytes): per detector the run of its characters at the end, at most its
/// longest match or cap; for the private key, from the first BEGIN within its run whose header
/// is a private key's or unfinished, else a partial BEGIN at the end; never cutting a word.
std::size_t plain_hold_back(const Scanner& scanner, std::string_view text) {
  std::size_t hold = 0, word_hold = 1024;
  for (unsigned i = 0; i < scanner.detectors().size(); ++i) {
    const Detector& d = scanner.detectors()[i];
    const std::size_t limit = d.max_length ? d.max_length : d.hold_limit ? d.hold_limit : 256;
    std::size_t run = 0;
    while (run < text.size() && run < limit && scanner.match_char(i, static_cast<unsigned char>(text[text.size() - 1 - run])))
      ++run;
    if (i != scanner.key_detector()) {
      word_hold = std::max(word_hold, limit);
      hold = std::max(hold, run);
      continue;
    }
    std::size_t key = 0;
    for (std::size_t at = text.find(kKeyBegin, text.size() - run); at != std::string_view::npos && !key;
         at = text.find(kKeyBegin, at + 1)) {
      const std::size_t close = text.find(kKeyDashes, at + kKeyBegin.size());
      if (close == std::string_view::npos ||
          private_key_label(text.substr(at + kKeyBegin.size(), close - at - kKeyBegin.size())))
        key = text.size() - at;
    }
    for (std::size_t n = std::min(kKeyBegin.size() - 1, text.size()); n > 0 && !key; --n)
      if (text.substr(text.size() - n) == kKeyBegin.substr(0, n)) key = n;
    hold = std::max(hold, key);
  }
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::size_t cut = text.size() - hold;
  while (cut > 0 && cut < text.size() && word(text[cut - 1]) && word(text[cut]) && text.size() - cut < word_hold) --cut;
  return text.size() - cut;
}

}  // namespace

TEST_CASE("the hold-back fed piece by piece, with releases, holds what the plain rule holds", "[stream]") {
  // hold_back looks only at the new bytes of each event, in one walk for every detector but the
  // private key, whose BEGIN search resumes where it stopped and whose run is measured from a
  // BEGIN found (KeyBlockHold). Pieces of key headers, bodies, END lines, tokens and prose, so
  // that BEGIN lines are cut, unfinished, finished as another type, pushed out of the run by a
  // byte no key holds, and released in part.
  const Scanner scanner(builtin_detectors(), {});
  const std::string pieces[] = {"-----BEGIN ", "RSA PRIVATE KEY-----", "PUBLIC KEY-----", "PRIVATE KEY", "-----",
                                "----a", "-----END RSA PRIVATE KEY-----", "MIIEvQIBADAN+/=", "\n", " ", ".", "_",
                                "word", "-----BEG", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.", "sk-proj-",
                                "jane@example.org", "0123456789", "AKIA"};
  std::mt19937 rng(7);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  std::size_t checks = 0, held_key = 0;
  for (int round = 0; round < 500; ++round) {
    std::string stream;
    for (int i = 0, n = 1 + static_cast<int>(pick(40)); i < n; ++i) {
      const std::string& p = pieces[pick(std::size(pieces))];
      stream += pick(8) ? p : std::string(1 + pick(600), p[0]);  // now and then a long run
    }
    HoldState state;
    std::string held;
    uint64_t base = 0;
    for (std::size_t at = 0; at < stream.size();) {
      const std::size_t n = std::min(stream.size() - at, 1 + pick(pick(2) ? 4 : 200));
      held.append(stream, at, n);
      at += n;
      const std::size_t hold = scanner.hold_back(held, base, n, state);
      INFO("round " << round << ", at " << at);
      REQUIRE(hold == plain_hold_back(scanner, held));
      ++checks;
      if (hold > 0 && held.size() - hold < held.size() && held.find("-----BEGIN ", held.size() - hold) == held.size() - hold)
        ++held_key;
      // Release some or all of what is not held.
      const std::size_t release = pick(3) ? held.size() - hold : pick(held.size() - hold + 1);
      held.erase(0, release);
      base += release;
    }
  }
  CHECK(checks > 5000);
  CHECK(held_key > 100);  // the key block's hold was exercised, not only the other detectors'
}

// Streamed answers with a secret longer than what a stream holds back for its detector (a
// private key block over 16 KB, a token over 512 bytes, a JWT over 8 KB): fail closed. Once
// the match has started and would outgrow the hold-back, what is held becomes the placeholder
// (or mask) and the rest of the match is suppressed as it arrives; the text after it is
// delivered. No byte of the secret's body reaches the client, wherever the events are cut.
#include <catch2/catch.hpp>

#include <cctype>
#include <random>

#include "test_util.hpp"

#include "random_text.hpp"

using pii_test::kTokenChars;
using pii_test::random_text;

using llmgw::testing::GuardrailInstance;
using llmgw::testing::GuardStreamSession;

namespace {

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A PEM private key block whose body is about `body` bytes of base64 in 64-byte lines.
std::string key_block(std::size_t body, unsigned seed) {
  const std::string b64 = random_text(body, kBase64, seed);
  std::string s = "-----BEGIN PRIVATE KEY-----\n";
  for (std::size_t at = 0; at < b64.size(); at += 64) s += b64.substr(at, 64) + "\n";
  return s + "-----END PRIVATE KEY-----";
}

/// Feeds `text` in pieces cut at `cuts` on channel 0 and closes it.
void feed_cut(GuardStreamSession& s, const std::string& text, std::vector<std::size_t> cuts) {
  REQUIRE(s.rc == LLMGW_OK);
  std::size_t at = 0;
  cuts.push_back(text.size());
  for (std::size_t cut : cuts) {
    REQUIRE(s.feed(0, std::string_view(text).substr(at, cut - at)) == LLMGW_OK);
    at = cut;
  }
  REQUIRE(s.close(0) == LLMGW_OK);
}

std::string run(GuardrailInstance& g, const std::string& text, const std::vector<std::size_t>& cuts) {
  GuardStreamSession s(g);
  feed_cut(s, text, cuts);
  return s.text(0);
}

/// Cuts every `step` bytes (events of `step` bytes).
std::vector<std::size_t> every(std::size_t step, std::size_t size) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = step; at < size; at += step) cuts.push_back(at);
  return cuts;
}

/// Whether `out` holds any `n`-byte piece of `secret` (n small: no byte sequence of the body
/// survives beyond what chance gives a short one).
bool leaks(const std::string& out, const std::string& secret, std::size_t n = 12) {
  for (std::size_t at = 0; at + n <= secret.size(); at += 1)
    if (out.find(std::string_view(secret).substr(at, n)) != std::string::npos) return true;
  return false;
}

/// The cut sets a text of `size` bytes is tried with: two pieces at every `stride`-th offset,
/// three pieces, and fixed-size events (one byte, odd sizes, the hold-back caps and around) of
/// at least `min_step` bytes.
std::vector<std::vector<std::size_t>> cut_sets(std::size_t size, std::size_t stride, std::size_t min_step = 1) {
  std::vector<std::vector<std::size_t>> sets;
  for (std::size_t i = 0; i <= size; i += stride) sets.push_back({i});
  for (std::size_t i = 0; i <= size; i += stride * 7)
    for (std::size_t j = i; j <= size; j += stride * 11) sets.push_back({i, j});
  for (std::size_t step : {1u, 3u, 64u, 511u, 512u, 513u, 1000u, 4096u, 8192u, 16383u, 16384u, 16385u})
    if (step >= min_step) sets.push_back(every(step, size));
  return sets;
}

}  // namespace

TEST_CASE("a private key block over 16 KB split anywhere: no byte of its body, the text after it delivered",
          "[stream][overflow]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  for (std::size_t body : {20000u, 40000u}) {
    const std::string key = key_block(body, static_cast<unsigned>(body));
    const std::string text = "Here is the key:\n" + key + "\nThat is all, keep it safe.";
    const std::string body_text = key.substr(28, key.size() - 28 - 25);
    for (const auto& cuts : cut_sets(text.size(), body == 20000 ? 97 : 1009)) {
      INFO("body " << body << ", " << cuts.size() << " cuts, first at " << (cuts.empty() ? 0 : cuts[0]));
      const std::string out = run(g, text, cuts);
      CHECK(out == "Here is the key:\n[PRIVATE_KEY_1]\nThat is all, keep it safe.");
      if (out != "Here is the key:\n[PRIVATE_KEY_1]\nThat is all, keep it safe.") {
        CHECK_FALSE(leaks(out, body_text));
        break;
      }
    }
  }
}

TEST_CASE("a token over its hold-back split anywhere is one placeholder", "[stream][overflow]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::pair<std::string, std::string> secrets[] = {
      {"sk-proj-" + random_text(3000, kTokenChars, 1), "[OPENAI_KEY_1]"},
      {"sk-ant-api03-" + random_text(1500, kTokenChars, 2), "[ANTHROPIC_KEY_1]"},
      {"ghp_" + random_text(900, "ABCDEFabcdef0123456789", 3), "[GITHUB_TOKEN_1]"},
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + random_text(12000, kTokenChars, 4), "[JWT_1]"},
  };
  for (const auto& [secret, placeholder] : secrets) {
    const std::string text = "the token is " + secret + " and that is all.";
    const std::string expected = "the token is " + placeholder + " and that is all.";
    const bool jwt = secret.size() > 5000;
    for (const auto& cuts : cut_sets(text.size(), jwt ? 211 : 7)) {
      INFO(placeholder << ", " << cuts.size() << " cuts, first at " << (cuts.empty() ? 0 : cuts[0]));
      const std::string out = run(g, text, cuts);
      CHECK(out == expected);
      if (out != expected) {
        CHECK_FALSE(leaks(out, secret.substr(13)));
        break;
      }
    }
  }
}

TEST_CASE("an over-long match is released as its placeholder before it ends; memory stays bounded",
          "[stream][overflow]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  GuardStreamSession s(g);
  REQUIRE(s.feed(0, "token sk-proj-") == LLMGW_OK);
  const std::string body = random_text(200000, kTokenChars, 5);
  for (std::size_t at = 0; at < body.size(); at += 100) REQUIRE(s.feed(0, body.substr(at, 100)) == LLMGW_OK);
  // Still inside the token: its placeholder is out, nothing of it is held or released.
  CHECK(s.text(0) == "token [OPENAI_KEY_1]");
  REQUIRE(s.feed(0, " then an address a@example.com.") == LLMGW_OK);
  REQUIRE(s.close(0) == LLMGW_OK);
  CHECK(s.text(0) == "token [OPENAI_KEY_1] then an address [EMAIL_1].");
}

TEST_CASE("a key block the stream ends inside stays suppressed", "[stream][overflow]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::string key = key_block(30000, 6);
  const std::string text = "key: " + key.substr(0, key.size() - 40);  // no END line
  for (std::size_t step : {1u, 700u, 5000u}) {
    GuardStreamSession s(g);
    feed_cut(s, text, every(step, text.size()));
    CHECK(s.text(0) == "key: [PRIVATE_KEY_1]");
  }
}

TEST_CASE("an over-long key block with block action ends the stream naming the detector", "[stream][overflow]") {
  GuardrailInstance g(pii_test::vtable(), R"({"detectors":{"private_key":"block"}})");
  const std::string key = key_block(25000, 7);
  GuardStreamSession s(g);
  feed_cut(s, "a " + key + " b", every(1000, key.size() + 4));
  CHECK(s.detector == "private_key");
  CHECK(s.text(0) == "a ");
}

TEST_CASE("an over-long token with mask action: every letter and digit of it masked", "[stream][overflow]") {
  GuardrailInstance g(pii_test::vtable(), R"({"detectors":{"openai_key":"mask"}})");
  const std::string secret = "sk-proj-" + random_text(2000, kTokenChars, 8);
  const std::string text = "x " + secret + " y";
  for (std::size_t step : {1u, 100u, 600u}) {
    const std::string out = run(g, text, every(step, text.size()));
    REQUIRE(out.size() == text.size());
    CHECK(out.starts_with("x "));
    CHECK(out.ends_with(" y"));
    const std::string middle = out.substr(2, out.size() - 4);
    CHECK(std::none_of(middle.begin(), middle.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));
  }
}

TEST_CASE("whole answers are unchanged by the stream's cap", "[overflow]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::string token = "sk-proj-" + random_text(3000, kTokenChars, 9);
  CHECK(pii_test::redacted(g, "t " + token + " u") == "t [OPENAI_KEY_1] u");
  const std::string key = key_block(12000, 10);
  CHECK(pii_test::redacted(g, "k " + key + " v") == "k [PRIVATE_KEY_1] v");
  CHECK(pii_test::redacted(g, "t " + token + token + " u") == "t [OPENAI_KEY_1] u");
}

TEST_CASE("a whole text's private key block over 16 KB is one match too", "[overflow]") {
  // Its END line is further from its BEGIN line than the start-of-match window: it used to pass
  // in clear.
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::string a = key_block(20000, 11), b = key_block(40000, 12), small = key_block(300, 13);
  CHECK(pii_test::redacted(g, "k " + a + " v") == "k [PRIVATE_KEY_1] v");
  CHECK(pii_test::redacted(g, "k " + a + " v a@example.com " + small + ". " + b + " w") ==
        "k [PRIVATE_KEY_1] v [EMAIL_1] [PRIVATE_KEY_2]. [PRIVATE_KEY_3] w");
  // No END line: not a block (as before, and as for a short one).
  const std::string open = "k " + a.substr(0, a.size() - 30) + ". v";
  CHECK(pii_test::redacted(g, open) == open);
}

TEST_CASE("a private key cut before its END line is one match, whole or streamed", "[overflow][cut]") {
  // An answer cut by max_tokens inside a key: the text (or the stream) ends in its body.
  GuardrailInstance g(pii_test::vtable(), "{}");
  const std::string key = key_block(1600, 14);
  const std::string cut = "here it is:\n" + key.substr(0, 900);  // no END line
  CHECK(pii_test::redacted(g, cut) == "here it is:\n[PRIVATE_KEY_1]");
  for (std::size_t step : {1u, 7u, 64u, 500u, 5000u}) CHECK(run(g, cut, every(step, cut.size())) == "here it is:\n[PRIVATE_KEY_1]");
  // After a whole block, and cut right after its header's line.
  const std::string two = key + "\n" + key.substr(0, 28);
  CHECK(pii_test::redacted(g, two) == "[PRIVATE_KEY_1]\n[PRIVATE_KEY_2]");
  for (std::size_t step : {1u, 100u}) CHECK(run(g, two, every(step, two.size())) == "[PRIVATE_KEY_1]\n[PRIVATE_KEY_2]");
  // Not a private key, only its header cut, or the body followed by a byte no key holds: as it is.
  const std::string cert = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ";
  const std::string header = "see -----BEGIN RSA PRIVATE K";
  const std::string prose = key.substr(0, 900) + ". That was it";
  for (const std::string& t : {cert, header, prose}) {
    CHECK(pii_test::redacted(g, t) == t);
    CHECK(run(g, t, every(5, t.size())) == t);
  }
}

TEST_CASE("a cut private key with block action refuses the whole text and ends the stream", "[overflow][cut]") {
  GuardrailInstance g(pii_test::vtable(), R"({"detectors":{"private_key":"block"}})");
  const std::string cut = "k " + key_block(800, 15).substr(0, 400);
  GuardStreamSession s(g);
  feed_cut(s, cut, every(50, cut.size()));
  CHECK(s.detector == "private_key");
  CHECK(s.text(0).find("MII") == std::string::npos);
  CHECK(s.text(0).find("BEGIN") == std::string::npos);
}

// Per detector: texts that must be found (and what they become), and look-alikes that must not
// (order numbers, timestamps, UUIDs, versions, code). A false positive fails like a miss.
#include <catch2/catch.hpp>

#include "test_util.hpp"

using llmgw::testing::GuardrailInstance;
using llmgw::testing::TestSegment;

namespace {

struct Case {
  const char* detector;
  const char* text;
  const char* expected;  // after redaction
};

const Case kPositives[] = {
    {"email", "write to john.doe@example.com today", "write to [EMAIL_1] today"},
    {"email", "cc: a+tag@sub.example.co.uk.", "cc: [EMAIL_1]."},
    {"phone", "call +1 415 555 2671 now", "call [PHONE_1] now"},
    {"phone", "office +44 20 7946 0958", "office [PHONE_1]"},
    {"phone", "US (415) 555-2671", "US [PHONE_1]"},
    {"payment_card", "card 4111 1111 1111 1111 exp", "card [CARD_1] exp"},
    {"payment_card", "mc 5555555555554444", "mc [CARD_1]"},
    {"payment_card", "amex 3782-822463-10005.", "amex [CARD_1]."},
    {"iban", "IBAN DE89 3704 0044 0532 0130 00 please", "IBAN [IBAN_1] please"},
    {"iban", "to GB82WEST12345698765432", "to [IBAN_1]"},
    {"us_ssn", "SSN 123-45-6789.", "SSN [SSN_1]."},
    {"ipv4", "host 192.168.1.10 is down", "host [IPV4_1] is down"},
    {"ipv6", "at 2001:db8::8a2e:370:7334 now", "at [IPV6_1] now"},
    {"ipv6", "fe80::1ff:fe23:4567:890a", "[IPV6_1]"},
    {"aws_access_key", "key AKIAIOSFODNN7EXAMPLE", "key [AWS_ACCESS_KEY_1]"},
    {"openai_key", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789",
     "OPENAI_API_KEY=[OPENAI_KEY_1]"},
    {"anthropic_key",
     "x-api-key: sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjKlMnOpQ",
     "x-api-key: [ANTHROPIC_KEY_1]"},
    {"github_token", "token ghp_1234567890abcdefghijABCDEFGHIJ123456", "token [GITHUB_TOKEN_1]"},
    {"slack_token", "xoxb-123456789012-1234567890123-abcdefghijABCDEFGHIJ1234", "[SLACK_TOKEN_1]"},
    {"jwt",
     "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
     "Bearer [JWT_1]"},
    {"private_key",
     "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2mG\nABCDEFGHIJKLMNOP==\n-----END RSA PRIVATE KEY-----\nbye",
     "key:\n[PRIVATE_KEY_1]\nbye"},
};

const char* kNegatives[] = {
    // order numbers, invoices, tracking
    "Order #A-2024-000123 shipped", "order number 4111111111111112", "Invoice 20240115-0042",
    "tracking 1Z999AA10123456784", "PO 1234567812345670",
    // timestamps
    "at 2024-01-15T10:30:45.123Z", "ts=1700000000000", "10:30:45", "2024-01-15 10:30:45", "20240115103045123",
    // UUIDs
    "id 550e8400-e29b-41d4-a716-446655440000", "41234567-1234-1234-1234-123456789012",
    "123e4567-e89b-12d3-a456-426614174000",
    // look-alikes of each detector
    "@mention me", "user@localhost", "call 555 2671", "+1 555", "SSN 000-12-3456", "666-12-3456",
    "IBAN DE89 3704 0044 0532 0130 01", "999.1.1.1", "10.0.0.256", "std::string and Foo::Bar", "mac 00:1a:2b:3c:4d:5e",
    "T2001:db8::1k inside words", "AKIA1234", "sk-short", "task-management", "ghp_short", "eyJhbGciOi", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
    // slack_token: too short after the prefix, a letter Slack does not use, inside a word, no dash
    "xoxb-short", "token xoxb-", "xoxq-abcdefghijklmnop-ABCDEFGH", "inboxoxb-abcdefghijklmnop", "xoxbabcdefghijklmnop",
    // anthropic_key: a documentation placeholder, too short, an unknown kind, inside a word
    "ANTHROPIC_API_KEY=sk-ant-api03-...", "sk-ant-api03-EXAMPLE", "sk-ant-api3-AbCd", "sk-ant-xyz03-AbCd",
    "task-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
};

}  // namespace

TEST_CASE("corpus: every positive is found by its detector and redacted", "[corpus]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  REQUIRE(g.rc == LLMGW_OK);
  for (const Case& c : kPositives) {
    INFO(c.detector << ": " << c.text);
    const auto r = g.check({TestSegment{c.text}});
    CHECK(r.verdict == LLMGW_REDACT);
    CHECK_FALSE(r.bad_replacement);
    CHECK(r.texts[0] == c.expected);
  }
}

TEST_CASE("corpus: look-alikes are not matches (order numbers, timestamps, UUIDs count as failures)", "[corpus]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  REQUIRE(g.rc == LLMGW_OK);
  for (const char* text : kNegatives) {
    INFO(text);
    const auto r = g.check({TestSegment{text}});
    CHECK(r.verdict == LLMGW_ALLOW);
    CHECK(r.texts[0] == text);
  }
}

TEST_CASE("actions: mask, block naming the detector without the match, log-only, off", "[actions]") {
  GuardrailInstance g(pii_test::vtable(),
                      R"({"detectors":{"payment_card":"mask","us_ssn":"block","email":"log-only","ipv4":"off"}})");
  REQUIRE(g.rc == LLMGW_OK);
  CHECK(pii_test::redacted(g, "card 4111 1111 1111 1111") == "card **** **** **** 1111");
  CHECK(pii_test::redacted(g, "mail a@example.com from 10.1.2.3") == "mail a@example.com from 10.1.2.3");
  const auto r = g.check({TestSegment{"fine"}, TestSegment{"my ssn is 123-45-6789"}});
  CHECK(r.verdict == LLMGW_BLOCK);
  CHECK(r.blocked_segment == 1);
  CHECK(r.detector == "us_ssn");
  CHECK(r.reason.find("123-45") == std::string::npos);
  // Counters: one per detector, counting matches (log-only ones too).
  bool email_counted = false;
  for (const auto& [name, total] : g.host.counters)
    if (name == "pii_email_matches") email_counted = total == 1;
  CHECK(email_counted);
}

TEST_CASE("placeholders are numbered per type across a request; the same value keeps its number", "[actions]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  const auto r = g.check({TestSegment{"a@example.com and b@example.com"}, TestSegment{"again a@example.com"}});
  CHECK(r.texts[0] == "[EMAIL_1] and [EMAIL_2]");
  CHECK(r.texts[1] == "again [EMAIL_1]");
}

TEST_CASE("custom patterns and the allow-list", "[config]") {
  GuardrailInstance g(pii_test::vtable(),
                      R"({"custom":[{"name":"employee_id","pattern":"EMP-\\d{6}","action":"redact"}],
                          "allow_list":["support@example.com"]})");
  REQUIRE(g.rc == LLMGW_OK);
  CHECK(pii_test::redacted(g, "EMP-123456 wrote to support@example.com and bob@example.com") ==
        "[EMPLOYEE_ID_1] wrote to support@example.com and [EMAIL_1]");
}

TEST_CASE("a 100 KB prompt: one scan, matches at both ends", "[scan]") {
  GuardrailInstance g(pii_test::vtable(), "{}");
  std::string text = "x@example.com ";
  while (text.size() < 100 * 1024) text += "The quick brown fox jumps over the lazy dog 12345. ";
  text += "end 123-45-6789";
  const std::string out = pii_test::redacted(g, text);
  CHECK(out.starts_with("[EMAIL_1] "));
  CHECK(out.ends_with("end [SSN_1]"));
}

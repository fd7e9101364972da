#include <catch2/catch.hpp>

#include "validators.hpp"

using namespace llmgw::pii;

TEST_CASE("Luhn and card prefixes", "[validators]") {
  CHECK(luhn("4111111111111111"));
  CHECK_FALSE(luhn("4111111111111112"));
  CHECK(valid_payment_card("4111 1111 1111 1111"));
  CHECK(valid_payment_card("5555-5555-5555-4444"));
  CHECK(valid_payment_card("378282246310005"));
  CHECK(valid_payment_card("3782 822463 10005"));
  CHECK_FALSE(valid_payment_card("4111111111111112"));       // checksum
  CHECK_FALSE(valid_payment_card("1234567812345670"));       // Luhn-valid, no card prefix
  CHECK_FALSE(valid_payment_card("41111111-1111-1111"));     // groups of a UUID
}

TEST_CASE("IBAN mod-97 and country lengths", "[validators]") {
  CHECK(valid_iban("DE89 3704 0044 0532 0130 00"));
  CHECK(valid_iban("GB82WEST12345698765432"));
  CHECK(valid_iban("FR1420041010050500013M02606"));
  CHECK_FALSE(valid_iban("DE89 3704 0044 0532 0130 01"));
  CHECK_FALSE(valid_iban("DE89370400440532013000123"));      // length for DE is 22
}

TEST_CASE("SSN, IP addresses, phones", "[validators]") {
  CHECK(valid_us_ssn("123-45-6789"));
  for (const char* bad : {"000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000"})
    CHECK_FALSE(valid_us_ssn(bad));
  CHECK(valid_ipv4("192.168.1.10"));
  CHECK_FALSE(valid_ipv4("256.1.1.1"));
  CHECK_FALSE(valid_ipv4("01.2.3.4"));
  CHECK(valid_ipv6("2001:db8::1"));
  CHECK(valid_ipv6("2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
  CHECK_FALSE(valid_ipv6("10:30:45"));
  CHECK_FALSE(valid_ipv6("00:1a:2b:3c:4d:5e"));
  CHECK(valid_phone("+44 20 7946 0958"));
  CHECK_FALSE(valid_phone("+1 555"));
}

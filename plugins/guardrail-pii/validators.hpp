// Checks a candidate match must pass besides its pattern, so that look-alikes (order numbers,
// timestamps, version strings) are not taken for personal data or secrets.
#pragma once

#include <string_view>

namespace llmgw::pii {

/// Digits only (spaces and dashes skipped), 13-19 of them, a known card prefix (Visa, Mastercard,
/// Amex, Discover, JCB, Diners, UnionPay), and the Luhn checksum.
bool valid_payment_card(std::string_view text);
/// The Luhn checksum of the digits of `text` (anything else skipped).
bool luhn(std::string_view text);
/// An IBAN (spaces skipped): two letters, two check digits, 11-30 alphanumerics, the length of
/// its country when known, and mod-97 == 1 (ISO 13616).
bool valid_iban(std::string_view text);
/// AAA-GG-SSSS with area not 000, 666 or 9xx, group not 00, serial not 0000.
bool valid_us_ssn(std::string_view text);
/// Four decimal octets 0-255 without leading zeros.
bool valid_ipv4(std::string_view text);
/// An IPv6 address (inet_pton) that has at least two groups or "::" (not a time like 10:30).
bool valid_ipv6(std::string_view text);
/// An international number: 8-15 digits (E.164) after its '+'.
bool valid_phone(std::string_view text);

}  // namespace llmgw::pii

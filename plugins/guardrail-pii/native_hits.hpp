// The whole-text pass of the digit detectors without Hyperscan. Their patterns begin with a
// digit class (or a '+' / '('), and on text dense with numbers (order numbers, timestamps, ids)
// Hyperscan wakes at nearly every digit: each such pattern alone costs ~35 µs per 100 KB there
// (~2.8 GB/s), and the four together held the whole pass near 650 MB/s. Here one pass finds the
// bytes that can begin them (digits, '+', '(': 16 bytes at a time with SSE2) and walks each run
// of digits once, reporting where a match COULD end — a superset of the pattern's ends, exactly
// like a prefilter (scanner.hpp): the start-of-match pass and the validators then decide, as for
// every other detector. tests/native_hits_test.cpp checks the superset against Hyperscan itself.
//   payment_card  \b\d(?:[ \-]?\d){12,18}\b: the end of a digit run (then a \b) with a start
//                 (a digit after a \b) 13 to 19 digits back, over single ' ' or '-' between runs
//   us_ssn        \b\d{3}-\d{2}-\d{4}\b: the exact shape, both \b
//   iban          \b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b: after "\bLLdd", each 11th to 30th
//                 character of the shape that a \b follows
//   phone         '+' then [1-9], or '(' then a digit: each digit a \b follows within the next
//                 64 bytes of [0-9 .-()]; or (the whole-text pass) that start itself, where the
//                 scanner runs the pattern anchored: its ends from there in one short scan,
//                 instead of a start-of-match window (~0.6 µs a phone number)
// And a filter for the ipv6 prefilter's ends (times such as 10:30:45 end one on every line):
// kept only where a start can be — a hex digit after a \b with two ':' before the end.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "scanner.hpp"

namespace llmgw::pii {

/// Appends a Hit at every end where one of `detectors`' patterns could end in `text`. With
/// `phone_starts`, the phone detector's candidates go there instead, as where a match could
/// START (a '+' or '(' before a digit): every phone match begins on one of them.
void find_native_hits(std::string_view text, const std::vector<NativeDetector>& detectors, std::vector<Hit>& hits,
                      std::vector<std::size_t>* phone_starts = nullptr);

/// Whether an ipv6 match (`\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}\b`) can end at `end`.
bool ipv6_can_end(std::string_view text, std::size_t end);

}  // namespace llmgw::pii

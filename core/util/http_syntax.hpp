// RFC 9110 syntax shared by the server's request parser and the upstream response parser:
// tokens, field values, case-insensitive names, optional whitespace and comma-separated lists.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace llmgw::util {

namespace detail {
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
  return t;
}
inline constexpr std::array<bool, 256> kTokenChar = make_token_table();
}  // namespace detail

/// RFC 9110 §5.6.2: a non-empty run of tchar (method, field name, transfer coding).
inline bool is_http_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!detail::kTokenChar[c]) return false;
  return true;
}

/// True when some byte of the 8 in `x` is below 0x20 or is 0x7f (DEL). Exact as to whether
/// one exists (the classic "has less than" / "has zero" word tricks: a byte of 0x80 or more has
/// its top bit set in x and is never flagged); which one is left to a byte loop.
inline bool any_control_byte(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  const uint64_t below_space = (x - 0x20 * kOnes) & ~x & kHighs;
  const uint64_t del = x ^ (0x7f * kOnes);
  return ((below_space | ((del - kOnes) & ~del & kHighs)) != 0);
}

/// RFC 9110 §5.5: field-vchar, SP and HTAB (obs-text included). CR, LF, NUL and the other
/// controls are refused: a recipient must not pass them on, and we never rewrite them.
/// Eight bytes at a time while none is a control (a tab, rare, takes the byte loop).
inline bool is_field_value(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    if (any_control_byte(x)) break;
  }
  for (; n > 0; ++p, --n) {
    const unsigned char c = static_cast<unsigned char>(*p);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

/// `a` equals `lower` (given in lower case) ignoring ASCII case.
inline bool iequals_lower(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

/// Without leading and trailing SP / HTAB (RFC 9110 OWS).
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Calls `fn(element)` for each non-empty element of a comma-separated list, trimmed
/// (RFC 9110 §5.6.1: empty elements are ignored).
template <class Fn>
void for_each_list_element(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = trim_ows(list.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

/// Transfer-Encoding, all its fields taken together as one list (RFC 9112 §6.1, §7).
struct TransferCodings {
  int chunked = 0;            // times chunked appears
  bool chunked_last = false;  // chunked is the final coding
  bool other = false;         // some coding other than chunked appears
  void add(std::string_view field_value) {
    for_each_list_element(field_value, [&](std::string_view coding) {
      // A coding may carry parameters ("gzip;q=1"); chunked takes none.
      if (iequals_lower(coding, "chunked")) {
        ++chunked;
        chunked_last = true;
      } else {
        other = true;
        chunked_last = false;
      }
    });
  }
};

/// 1*DIGIT, at most 18 digits (no overflow); -1 when malformed.
inline long long parse_content_length(std::string_view v) {
  if (v.empty() || v.size() > 18) return -1;
  long long n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace llmgw::util

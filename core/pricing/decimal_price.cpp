#include "pricing/decimal_price.hpp"

namespace llmgw::pricing {
namespace {

constexpr int kPicoExponent = 12;
constexpr __int128 kMaxPico = static_cast<__int128>(1'000'000) * 1'000'000'000'000;  // $1M per token

}  // namespace

std::optional<std::int64_t> parse_usd_to_pico(std::string_view s) {
  std::size_t i = 0;
  // Significant digits as an integer, and how many of them follow the decimal point.
  __int128 mantissa = 0;
  int scale = 0;  // value = mantissa * 10^(-scale)
  int digits = 0;
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      any = true;
      if (mantissa == 0 && c == '0') {
        if (dot) ++scale;  // leading zeros after the point only move the scale
        continue;
      }
      if (++digits > 30) return std::nullopt;  // more precision than any price has
      mantissa = mantissa * 10 + (c - '0');
      if (dot) ++scale;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  int exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i >= s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 400) return std::nullopt;
    }
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  // pico = mantissa * 10^(exponent - scale + 12)
  int shift = exponent - scale + kPicoExponent;
  if (mantissa == 0) return 0;
  if (shift >= 0) {
    for (; shift > 0; --shift) {
      mantissa *= 10;
      if (mantissa > kMaxPico) return std::nullopt;
    }
    if (mantissa > kMaxPico) return std::nullopt;
    return static_cast<std::int64_t>(mantissa);
  }
  // The mantissa has at most 30 digits: divided by 10^31 or more it rounds to 0 (and 10^39
  // would not fit in 128 bits).
  if (shift < -30) return 0;
  __int128 divisor = 1;
  for (; shift < 0; ++shift) divisor *= 10;
  const __int128 rounded = (mantissa + divisor / 2) / divisor;  // half up
  if (rounded > kMaxPico) return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

std::string format_nano_usd(std::int64_t nano) {
  std::string sign;
  unsigned long long v;
  if (nano < 0) {
    sign = "-";
    v = 0ull - static_cast<unsigned long long>(nano);
  } else {
    v = static_cast<unsigned long long>(nano);
  }
  std::string out = sign + std::to_string(v / 1'000'000'000ull);
  unsigned long long frac = v % 1'000'000'000ull;
  if (frac == 0) return out;
  std::string f = std::to_string(frac);
  f.insert(0, 9 - f.size(), '0');
  while (!f.empty() && f.back() == '0') f.pop_back();
  return out + "." + f;
}

}  // namespace llmgw::pricing

#include "validators.hpp"

#include <arpa/inet.h>

#include <cstdint>
#include <string>
#include <vector>

namespace llmgw::pii {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string digits_of(std::string_view text) {
  std::string d;
  for (char c : text)
    if (is_digit(c)) d.push_back(c);
  return d;
}

/// The ISO 13616 length of an IBAN for a country code, 0 when unknown.
int iban_length(std::string_view country) {
  struct Entry {
    const char* code;
    int length;
  };
  static constexpr Entry kLengths[] = {
      {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
      {"BR", 29}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20},
      {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18},
      {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30},
      {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
      {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24}, {"PL", 28},
      {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
      {"SM", 27}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VG", 24}, {"XK", 20}};
  for (const Entry& e : kLengths)
    if (country == e.code) return e.length;
  return 0;
}

}  // namespace

bool luhn(std::string_view text) {
  int sum = 0;
  bool twice = false;
  int count = 0;
  for (std::size_t i = text.size(); i-- > 0;) {
    const char c = text[i];
    if (!is_digit(c)) continue;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
    ++count;
  }
  return count > 0 && sum % 10 == 0;
}

bool valid_payment_card(std::string_view text) {
  for (char c : text)
    if (!is_digit(c) && c != ' ' && c != '-') return false;
  const std::string d = digits_of(text);
  if (d.size() < 13 || d.size() > 19) return false;
  const auto prefix = [&](std::size_t n) { return std::stoi(d.substr(0, n)); };
  const int p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6);
  const bool known = d[0] == '4'                                   // Visa
                     || (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)  // Mastercard
                     || p2 == 34 || p2 == 37                       // Amex
                     || p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) ||
                     (p6 >= 622126 && p6 <= 622925)               // Discover
                     || (p4 >= 3528 && p4 <= 3589)                // JCB
                     || p2 == 36 || p2 == 38 || (p3 >= 300 && p3 <= 305)  // Diners
                     || p2 == 62;                                 // UnionPay
  if (!known || !luhn(d)) return false;
  // With separators, the groups must be a card's: 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners)
  // — never 8-4-4-4-12 (a UUID) or 2024-0115-… built from other numbers.
  std::vector<std::size_t> groups{0};
  for (char c : text) {
    if (is_digit(c)) ++groups.back();
    else groups.push_back(0);
  }
  if (groups.size() == 1) return true;
  const std::vector<std::size_t> amex{4, 6, 5}, diners{4, 6, 4};
  if (groups == amex || groups == diners) return true;
  const std::vector<std::size_t> four{4, 4, 4, 4}, nineteen{4, 4, 4, 4, 3};
  return groups == four || groups == nineteen;
}

bool valid_iban(std::string_view text) {
  std::string s;
  for (char c : text)
    if (c != ' ') s.push_back(c);
  if (s.size() < 15 || s.size() > 34) return false;
  const int expected = iban_length(std::string_view(s).substr(0, 2));
  if (expected != 0 && static_cast<int>(s.size()) != expected) return false;
  // Move the first four characters to the end, letters to 10..35, mod 97 piecewise.
  const std::string r = s.substr(4) + s.substr(0, 4);
  uint32_t mod = 0;
  for (char c : r) {
    if (is_digit(c)) {
      mod = (mod * 10 + static_cast<uint32_t>(c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      const uint32_t v = static_cast<uint32_t>(c - 'A' + 10);
      mod = (mod * 100 + v) % 97;
    } else {
      return false;
    }
  }
  return mod == 1;
}

bool valid_us_ssn(std::string_view text) {
  if (text.size() != 11 || text[3] != '-' || text[6] != '-') return false;
  const std::string_view area = text.substr(0, 3), group = text.substr(4, 2), serial = text.substr(7, 4);
  if (area == "000" || area == "666" || area[0] == '9') return false;
  if (group == "00" || serial == "0000") return false;
  return true;
}

bool valid_ipv4(std::string_view text) {
  int octets = 0;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = i;
    while (j < text.size() && is_digit(text[j])) ++j;
    const std::size_t len = j - i;
    if (len == 0 || len > 3 || (len > 1 && text[i] == '0')) return false;
    if (std::stoi(std::string(text.substr(i, len))) > 255) return false;
    ++octets;
    if (j == text.size()) break;
    if (text[j] != '.') return false;
    i = j + 1;
  }
  return octets == 4;
}

bool valid_ipv6(std::string_view text) {
  if (text.size() < 3 || text.size() > 45) return false;
  int colons = 0;
  for (char c : text) colons += c == ':';
  const bool compressed = text.find("::") != std::string_view::npos;
  if (!compressed && colons != 7) return false;
  if (compressed && colons < 2) return false;
  int groups = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] != ':' && (i == 0 || text[i - 1] == ':')) ++groups;
  if (groups < 2) return false;
  bool hex_letter_or_long = false;  // "10:30:45" is a time: want a group of 3+ or a hex letter
  std::size_t run = 0;
  for (char c : text) {
    if (c == ':') {
      run = 0;
      continue;
    }
    ++run;
    if (run >= 3 || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) hex_letter_or_long = true;
  }
  if (!hex_letter_or_long) return false;
  const std::string s(text);
  in6_addr addr;
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

bool valid_phone(std::string_view text) {
  const std::string d = digits_of(text);
  return d.size() >= 8 && d.size() <= 15;
}

}  // namespace llmgw::pii

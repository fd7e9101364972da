// Test inputs for the stream tests: reproducible random text over an alphabet.
#pragma once

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace pii_test {

/// `n` characters drawn from `alphabet`, the same for the same seed.
inline std::string random_text(std::size_t n, std::string_view alphabet, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string s(n, ' ');
  for (char& c : s) c = alphabet[pick(rng)];
  return s;
}

/// The characters of API tokens (base64url).
inline constexpr std::string_view kTokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

}  // namespace pii_test

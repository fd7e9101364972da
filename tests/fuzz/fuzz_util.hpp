// Helpers shared by the libFuzzer targets: an abort that libFuzzer reports as a crash with the
// failed condition, and cutting an input into pieces at offsets chosen by the input itself.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

/// Aborts (a crash for libFuzzer, with the condition and line on stderr) when `cond` is false.
#define FUZZ_REQUIRE(cond)                                                                     \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "%s:%d: FUZZ_REQUIRE(%s) failed\n", __FILE__, __LINE__, #cond);   \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)

/// A check for a bug that is known and being fixed elsewhere (`issue` says where): built in only
/// with -DLLMGW_FUZZ_OPEN_ISSUES=ON, so that until the fix lands the target keeps looking for
/// other bugs instead of stopping at that one. Its reproducer is in known-crashes/<target>/.
/// Once the fix has landed, make it a FUZZ_REQUIRE and move the reproducer to regressions/.
#ifdef LLMGW_FUZZ_OPEN_ISSUES
#define FUZZ_REQUIRE_WHEN_FIXED(issue, cond) FUZZ_REQUIRE(cond)
#else
#define FUZZ_REQUIRE_WHEN_FIXED(issue, cond) ((void)sizeof(cond))
#endif

namespace fuzz {

/// True when `s` holds CR, LF or NUL (which no relayed header name or value may carry).
inline bool has_ctl(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

/// `input` cut every `stride` bytes (1..64), the first cut at `first` (0..63): how a socket
/// might hand the bytes over. Pieces may be empty (a zero-length read is a legal feed).
inline std::vector<std::string_view> cut(std::string_view input, std::uint8_t stride, std::uint8_t first) {
  const std::size_t a = 1 + stride % 64;
  std::vector<std::string_view> pieces;
  std::size_t at = 0, next = std::min<std::size_t>(first % 64, input.size());
  pieces.push_back(input.substr(0, next));
  for (at = next; at < input.size(); at = next) {
    next = std::min(at + a, input.size());
    pieces.push_back(input.substr(at, next - at));
  }
  return pieces;
}

/// Reads the fuzzer's control bytes from the front of the input: byte(i) is the i-th byte or 0;
/// rest() is what follows the first `n` control bytes.
struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::uint8_t byte(std::size_t i) const { return i < size ? data[i] : 0; }
  std::string_view rest(std::size_t n) const {
    return n < size ? std::string_view(reinterpret_cast<const char*>(data) + n, size - n) : std::string_view();
  }
  std::string_view all() const { return {reinterpret_cast<const char*>(data), size}; }
};

}  // namespace fuzz

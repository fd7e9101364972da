// Substring search for the scanners. std::string_view::find stops at every occurrence of the
// needle's first character, and the needles here start with '"', JSON's most common byte:
// glibc's memmem is ~2.5x faster on chat.completion.chunk events (measured: 58 vs 149 ns on a
// 230-byte chunk).
#pragma once

#include <cstring>
#include <string_view>

namespace llmgw::openai_compat::detail {

/// Position of `needle` in `hay` at or after `from`, or npos.
inline std::size_t find(std::string_view hay, std::string_view needle, std::size_t from = 0) noexcept {
  if (from > hay.size()) return std::string_view::npos;
#if defined(__GLIBC__) || defined(__APPLE__) || defined(__FreeBSD__)
  const void* hit = ::memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - hay.data()) : std::string_view::npos;
#else
  return hay.find(needle, from);
#endif
}

}  // namespace llmgw::openai_compat::detail

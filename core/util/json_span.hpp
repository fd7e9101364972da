// Replacing one JSON string token inside a body, every other byte unchanged (passthrough).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "util/json_escape.hpp"

namespace llmgw::util {

/// body[0, begin) + `value` as a JSON string literal + body[end, …). One allocation. A span
/// outside the body leaves the body unchanged.
inline std::string replace_json_string_span(std::string_view body, std::size_t begin, std::size_t end,
                                            std::string_view value) {
  if (begin > end || end > body.size()) return std::string(body);
  std::string out;
  out.reserve(body.size() - (end - begin) + value.size() + 8);
  out.append(body.substr(0, begin));
  append_json_string(out, value);
  out.append(body.substr(end));
  return out;
}

/// Where the value after an object key starts: `pos` is just past the key's closing quote; the
/// blanks and the ':' are skipped. For SAX scans that record a value's byte span.
inline std::size_t json_value_start(std::string_view body, std::size_t pos) {
  while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t' || body[pos] == '\n' ||
                               body[pos] == '\r' || body[pos] == ':'))
    ++pos;
  return pos;
}

/// Where the JSON string token starting at `begin` (its opening quote) ends: just past its
/// closing quote, escapes skipped. npos when body[begin] is not a quote or the string is cut.
/// The closing quote is the first one after an even run of backslashes; quotes are found with
/// memchr, so a long string costs little more than its length in memory reads.
inline std::size_t json_string_end(std::string_view body, std::size_t begin) {
  if (begin >= body.size() || body[begin] != '"') return std::string_view::npos;
  for (std::size_t from = begin + 1; from < body.size();) {
    const void* hit = std::memchr(body.data() + from, '"', body.size() - from);
    if (!hit) break;
    const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - body.data());
    std::size_t slashes = 0;
    while (at - slashes > begin + 1 && body[at - slashes - 1] == '\\') ++slashes;
    if (slashes % 2 == 0) return at + 1;
    from = at + 1;
  }
  return std::string_view::npos;
}

}  // namespace llmgw::util

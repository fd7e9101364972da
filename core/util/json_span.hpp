// Replacing one JSON string token inside a body, every other byte unchanged (passthrough).
#pragma once

#include <cstddef>
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
inline std::size_t json_string_end(std::string_view body, std::size_t begin) {
  if (begin >= body.size() || body[begin] != '"') return std::string_view::npos;
  for (std::size_t i = begin + 1; i < body.size(); ++i) {
    if (body[i] == '\\') ++i;
    else if (body[i] == '"') return i + 1;
  }
  return std::string_view::npos;
}

}  // namespace llmgw::util

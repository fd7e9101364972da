// Replacing one JSON string token inside a body, every other byte unchanged (passthrough).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/json_escape.hpp"

namespace llmgw::util {

/// body[0, begin) + `value` as a JSON string literal + body[end, …). One allocation.
inline std::string replace_json_string_span(std::string_view body, std::size_t begin, std::size_t end,
                                            std::string_view value) {
  std::string out;
  out.reserve(body.size() + value.size() + 8);
  out.append(body.substr(0, begin));
  append_json_string(out, value);
  out.append(body.substr(end));
  return out;
}

}  // namespace llmgw::util

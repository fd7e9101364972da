// What a plugin's create() wrote to its error writer, as the one line start-up reports.
#pragma once

#include <llmgw/plugin.h>

#include <string>

namespace llmgw::loader::detail {

/// An llmgw_writer appending to `*out` (valid while `*out` is).
inline llmgw_writer error_writer(std::string* out) {
  return llmgw_writer{out, [](void* ctx, llmgw_str bytes) {
                        if (bytes.len) static_cast<std::string*>(ctx)->append(bytes.ptr, bytes.len);
                      }};
}

/// The plugin's error text as one line: newlines folded, trailing blanks dropped; a fallback
/// naming `status` when the plugin wrote nothing.
inline std::string one_line(std::string text, llmgw_status status) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.empty()) text = "create() failed with status " + std::to_string(status) + " and no message";
  return text;
}

}  // namespace llmgw::loader::detail

// Passthrough relays an upstream's stream bytes as they come; nothing after the stream's
// terminal event ("data: [DONE]", Anthropic's "event: message_stop") may follow them to the
// client: an upstream's pings after its end marker are not part of the answer.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>

namespace llmgw::plugin_util {

/// The length of `bytes` through the blank line that ends the first SSE event having a whole
/// line equal to one of `lines` (a line, not text inside a JSON value: those hold no raw line
/// breaks); bytes.size() when no such event ends in `bytes` (the end marker was cut across
/// feeds: relay what came, nothing later is fed).
inline std::size_t through_event_with_line(std::string_view bytes, std::initializer_list<std::string_view> lines) {
  std::size_t start = 0;
  bool found = false;
  while (start < bytes.size()) {
    std::size_t eol = bytes.find('\n', start);
    const bool complete = eol != std::string_view::npos;
    if (!complete) eol = bytes.size();
    std::string_view line = bytes.substr(start, eol - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (found && line.empty() && complete) return eol + 1;  // the blank line ending that event
    if (!found)
      for (std::string_view want : lines) found = found || line == want;
    if (!complete) break;
    start = eol + 1;
  }
  return bytes.size();
}

}  // namespace llmgw::plugin_util

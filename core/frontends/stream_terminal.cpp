#include "frontends/stream_terminal.hpp"

namespace llmgw::frontends {
namespace {

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

/// `line` (one line of an event, without its line end) is "field:value" with an optional space.
bool line_is(std::string_view line, std::string_view field, std::string_view value) {
  if (line.size() < field.size() + 1 || line.substr(0, field.size()) != field || line[field.size()] != ':') return false;
  line.remove_prefix(field.size() + 1);
  if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return line == value;
}

}  // namespace

std::size_t terminal_event_at(std::string_view events, llmgw_dialect dialect) {
  // The last event's text: back over its blank line, then back to the previous blank line.
  std::size_t end = events.size();
  while (end > 0 && is_line_end(events[end - 1])) --end;
  if (end == 0) return std::string_view::npos;
  std::size_t start = end;
  while (start > 0) {
    const char c = events[start - 1];
    if (is_line_end(c) && start >= 2) {
      const char b = events[start - 2];
      // "\n\n", "\r\r", or "\r\n\r\n" (whose last two bytes are "\r\n" after a "\n").
      if ((c == '\n' && b == '\n') || (c == '\r' && b == '\r') ||
          (c == '\n' && b == '\r' && start >= 3 && events[start - 3] == '\n'))
        break;
    }
    --start;
  }
  // Its first line that is not a comment decides: `data: [DONE]`, or `event: message_stop`.
  std::size_t at = start;
  while (at < end) {
    std::size_t eol = at;
    while (eol < end && !is_line_end(events[eol])) ++eol;
    const std::string_view line = events.substr(at, eol - at);
    if (!line.empty() && line.front() != ':') {
      const bool terminal = dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES ? line_is(line, "event", "message_stop")
                                                                        : line_is(line, "data", "[DONE]");
      return terminal ? start : std::string_view::npos;
    }
    at = eol;
    while (at < end && is_line_end(events[at])) ++at;
  }
  return std::string_view::npos;
}

}  // namespace llmgw::frontends

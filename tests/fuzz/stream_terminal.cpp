// libFuzzer target: frontends/stream_terminal (where a stream's terminal SSE event starts, so the
// x-llmgw-cost comment line can go just before it), over upstream stream bytes. Input: [dialect]
// then the stream bytes (bit 0 of the first byte: Anthropic, else OpenAI).
// Checks: the offset found is inside the bytes and starts an event (the start, or just after a
// blank line); the answer is the one of the first, byte-by-byte implementation (kept below as
// the reference); the event found is the dialect's terminal one when read alone (found at 0); and
// a found event is the last one: the same bytes with an ordinary event after them have none.
#include "fuzz_util.hpp"

#include <string>

#include "frontends/stream_terminal.hpp"

using llmgw::frontends::terminal_event_at;

namespace {

// The first implementation (a byte-by-byte scan back to the event's start, then to its first
// line's end): the reference the memrchr version must agree with.
bool is_line_end(char c) { return c == '\n' || c == '\r'; }

/// `line` (one line of an event, without its line end) is "field:value" with an optional space.
bool line_is(std::string_view line, std::string_view field, std::string_view value) {
  if (line.size() < field.size() + 1 || line.substr(0, field.size()) != field || line[field.size()] != ':') return false;
  line.remove_prefix(field.size() + 1);
  if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return line == value;
}

std::size_t reference_terminal_event_at(std::string_view events, llmgw_dialect dialect) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const llmgw_dialect dialect = (data[0] & 1) ? LLMGW_DIALECT_ANTHROPIC_MESSAGES : LLMGW_DIALECT_OPENAI_CHAT;
  const std::string_view events(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t at = terminal_event_at(events, dialect);
  FUZZ_REQUIRE(at == reference_terminal_event_at(events, dialect));
  if (at == std::string_view::npos) return 0;
  FUZZ_REQUIRE(at < events.size());
  if (at > 0) {
    const std::string_view before = events.substr(0, at);
    FUZZ_REQUIRE(before.ends_with("\n\n") || before.ends_with("\r\r") || before.ends_with("\n\r\n"));
  }
  FUZZ_REQUIRE(terminal_event_at(events.substr(at), dialect) == 0);
  // Another event after a blank line: the terminal one is no longer last.
  std::string more(events);
  more += "\n\ndata: {}\n\n";
  FUZZ_REQUIRE(terminal_event_at(more, dialect) == std::string_view::npos);
  return 0;
}

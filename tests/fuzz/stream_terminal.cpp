// libFuzzer target: frontends/stream_terminal (where a stream's terminal SSE event starts, so the
// x-llmgw-cost comment line can go just before it), over upstream stream bytes. Input: [dialect]
// then the stream bytes (bit 0 of the first byte: Anthropic, else OpenAI).
// Checks: the offset found is inside the bytes and starts an event (the start, or just after a
// blank line); the event found is the dialect's terminal one when read alone (found at 0); and
// a found event is the last one: the same bytes with an ordinary event after them have none.
#include "fuzz_util.hpp"

#include <string>

#include "frontends/stream_terminal.hpp"

using llmgw::frontends::terminal_event_at;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const llmgw_dialect dialect = (data[0] & 1) ? LLMGW_DIALECT_ANTHROPIC_MESSAGES : LLMGW_DIALECT_OPENAI_CHAT;
  const std::string_view events(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t at = terminal_event_at(events, dialect);
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

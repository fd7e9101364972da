#include "frontends/stream_terminal.hpp"

#include <algorithm>
#include <cstring>
#include <string.h>  // memrchr (GNU)

namespace llmgw::frontends {
namespace {

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

/// Whether the line `rest` starts with (up to its line end, or the end of `rest`) is
/// "field:value", with an optional space after the colon. `field` and `value` are literals: the
/// compares are of constant lengths, inlined as word loads (a string_view compare is a memcmp
/// call, and this runs once an event).
template <std::size_t F, std::size_t V>
bool line_starts_as(std::string_view rest, const char (&field)[F], const char (&value)[V]) {
  constexpr std::size_t f = F - 1, v = V - 1;
  if (rest.size() <= f || std::memcmp(rest.data(), field, f) != 0 || rest[f] != ':') return false;
  rest.remove_prefix(f + 1);
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.size() < v || std::memcmp(rest.data(), value, v) != 0) return false;
  return rest.size() == v || is_line_end(rest[v]);
}

}  // namespace

std::size_t terminal_event_at(std::string_view events, llmgw_dialect dialect, bool has_cr) {
  // The last event's text: back over its blank line, then back to the previous blank line.
  std::size_t end = events.size();
  while (end > 0 && is_line_end(events[end - 1])) --end;
  if (end == 0) return std::string_view::npos;
  // Back to the blank line before it. Only line ends can end one, so the search jumps from line
  // end to line end (memrchr: a stream event is mostly one long `data:` line of JSON).
  const char* base = events.data();
  const auto last_before = [base](char c, std::size_t limit) -> const char* {
    return limit == 0 ? nullptr : static_cast<const char*>(::memrchr(base, c, limit));
  };
  const char* lf = last_before('\n', end);
  const char* cr = has_cr ? last_before('\r', end) : nullptr;
  std::size_t start = 0;
  while (lf != nullptr || cr != nullptr) {
    const char* p = lf == nullptr ? cr : cr == nullptr ? lf : std::max(lf, cr);
    const std::size_t s = static_cast<std::size_t>(p - base) + 1;  // an event would start here
    if (s >= 2) {
      const char c = *p, b = base[s - 2];
      // "\n\n", "\r\r", or "\r\n\r\n" (whose last two bytes are "\r\n" after a "\n").
      if ((c == '\n' && b == '\n') || (c == '\r' && b == '\r') || (c == '\n' && b == '\r' && s >= 3 && base[s - 3] == '\n')) {
        start = s;
        break;
      }
    }
    if (p == lf) lf = last_before('\n', s - 1);
    else cr = last_before('\r', s - 1);
  }
  // Its first line that is not a comment decides: `data: [DONE]`, or `event: message_stop`. That
  // line is compared where it starts, not searched to its end (it is the long `data:` line of an
  // ordinary event).
  std::size_t at = start;
  while (at < end) {
    if (is_line_end(events[at])) {
      ++at;
      continue;
    }
    if (events[at] != ':') {
      const std::string_view rest = events.substr(at, end - at);
      const bool terminal = dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES ? line_starts_as(rest, "event", "message_stop")
                                                                        : line_starts_as(rest, "data", "[DONE]");
      return terminal ? start : std::string_view::npos;
    }
    while (at < end && !is_line_end(events[at])) ++at;  // a comment line
  }
  return std::string_view::npos;
}

}  // namespace llmgw::frontends

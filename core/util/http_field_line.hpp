// The common case of an HTTP/1.1 header field line, each byte looked at once: the server's
// request-head parser and the upstream response-head parser take it first and fall back to their
// line-by-line checks (which word every error) for any other line.
//
// Why: both parsers found the line end (memchr), then the colon (memchr), then checked the name's
// bytes and the value's bytes: every byte of a head was read three times, and the two head
// parses were ~3.5k of the gateway's instructions per proxied request (docs/ARCHITECTURE.md,
// "Threads and the hot path").
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "util/http_syntax.hpp"

namespace llmgw::util {

/// Index of the first byte of `s` from `k` that is a control (below 0x20 but HTAB, or DEL), or
/// s.size(): eight bytes at a time while none is one.
inline std::size_t find_control_byte(std::string_view s, std::size_t k) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  for (;;) {
    for (; k + 8 <= n; k += 8) {
      uint64_t x;
      std::memcpy(&x, p + k, 8);
      if (any_control_byte(x)) break;
    }
    const std::size_t stop = k + 8 < n ? k + 8 : n;
    for (; k < stop; ++k) {
      const unsigned char c = static_cast<unsigned char>(p[k]);
      if ((c < 0x20 && c != '\t') || c == 0x7f) return k;
    }
    if (k >= n) return n;
  }
}

/// At `pos`: a well-formed field line — a non-empty token, ':', a value of field-vchar / SP /
/// HTAB, then CRLF, LF, a CR that ends `head`, or the end of `head`. Then sets `name`, `value`
/// (OWS trimmed) and `pos` (past the line end, size() + 1 at the end, as the line-by-line
/// readers do) and returns true. Any other line (blank, folded, no colon, a bad byte anywhere,
/// a CR inside it): false, nothing changed.
inline bool fast_field_line(std::string_view head, std::size_t& pos, std::string_view& name,
                            std::string_view& value) noexcept {
  const std::size_t n = head.size();
  std::size_t i = pos;
  while (i < n && detail::kTokenChar[static_cast<unsigned char>(head[i])]) ++i;
  if (i == pos || i >= n || head[i] != ':') return false;
  std::size_t start = i + 1;
  while (start < n && (head[start] == ' ' || head[start] == '\t')) ++start;
  const std::size_t k = find_control_byte(head, start);
  std::size_t next;
  if (k >= n) next = n + 1;
  else if (head[k] == '\n') next = k + 1;
  else if (head[k] == '\r' && k + 1 < n && head[k + 1] == '\n') next = k + 2;
  else if (head[k] == '\r' && k + 1 == n) next = n + 1;
  else return false;
  std::size_t end = k < n ? k : n;
  while (end > start && (head[end - 1] == ' ' || head[end - 1] == '\t')) --end;
  name = head.substr(pos, i - pos);
  value = head.substr(start, end - start);
  pos = next;
  return true;
}

}  // namespace llmgw::util

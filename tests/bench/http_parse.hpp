// Minimal incremental HTTP/1.1 helpers shared by the benchmark tools.
// Header-only, libc + std only. Not a general HTTP implementation: enough for
// keep-alive request/response framing (Content-Length, chunked, close-delimited).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace bench {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Case-insensitive "contains" for header values such as "keep-alive, Upgrade".
inline bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Parses a non-negative decimal; returns false on junk or overflow.
inline bool parse_u64(std::string_view s, uint64_t& out) {
  s = trim(s);
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (UINT64_MAX - 9) / 10) return false;
    v = v * 10 + uint64_t(c - '0');
  }
  out = v;
  return true;
}

// Position just past "\r\n\r\n" in [p, p+n), or 0 if the header block is not complete.
inline size_t find_header_end(const char* p, size_t n) {
  std::string_view s(p, n);
  size_t pos = s.find("\r\n\r\n");
  return pos == std::string_view::npos ? 0 : pos + 4;
}

// What we need from a header block (request or response).
struct HeadInfo {
  std::string_view first_line;  // request line or status line
  bool has_length = false;
  uint64_t content_length = 0;
  bool chunked = false;
  bool conn_close = false;
  bool expect_continue = false;
  bool http10 = false;
};

// Parses the header block [p, p+n) where n includes the final CRLFCRLF.
inline bool parse_head(const char* p, size_t n, HeadInfo& h) {
  std::string_view s(p, n);
  size_t eol = s.find("\r\n");
  if (eol == std::string_view::npos) return false;
  h = HeadInfo{};
  h.first_line = s.substr(0, eol);
  h.http10 = h.first_line.find("HTTP/1.0") != std::string_view::npos;
  size_t pos = eol + 2;
  while (pos < s.size()) {
    size_t e = s.find("\r\n", pos);
    if (e == std::string_view::npos || e == pos) break;  // end of headers
    std::string_view line = s.substr(pos, e - pos);
    pos = e + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      if (!parse_u64(value, h.content_length)) return false;
      h.has_length = true;
    } else if (iequals(name, "transfer-encoding")) {
      h.chunked = icontains(value, "chunked");
    } else if (iequals(name, "connection")) {
      h.conn_close = icontains(value, "close");
    } else if (iequals(name, "expect")) {
      h.expect_continue = icontains(value, "100-continue");
    }
  }
  if (h.http10) h.conn_close = true;  // we never send keep-alive for 1.0
  return true;
}

// The value of header `name` in the header block [p, p+n) (first occurrence, trimmed), or "".
inline std::string_view header_value(const char* p, size_t n, std::string_view name) {
  std::string_view s(p, n);
  size_t pos = s.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < s.size()) {
    pos += 2;
    size_t e = s.find("\r\n", pos);
    if (e == std::string_view::npos || e == pos) break;
    std::string_view line = s.substr(pos, e - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), name)) return trim(line.substr(colon + 1));
    pos = e;
  }
  return {};
}

// Status code from "HTTP/1.1 200 OK"; 0 if malformed.
inline int status_code(std::string_view status_line) {
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos || sp + 4 > status_line.size()) return 0;
  int code = 0;
  for (size_t i = sp + 1; i < sp + 4; ++i) {
    char c = status_line[i];
    if (c < '0' || c > '9') return 0;
    code = code * 10 + (c - '0');
  }
  return code;
}

// Incremental decoder for a chunked body. feed() consumes bytes and reports
// decoded payload through on_data(const char*, size_t). Trailers are skipped.
class ChunkedDecoder {
 public:
  enum class State { Size, SizeExt, SizeLF, Data, DataCR, DataLF, Trailer, TrailerLF, Done, Error };

  void reset() { st_ = State::Size; remaining_ = 0; size_digits_ = 0; trailer_len_ = 0; }
  bool done() const { return st_ == State::Done; }
  bool error() const { return st_ == State::Error; }

  // Returns bytes consumed; stops right after the final CRLF of the body.
  template <class OnData>
  size_t feed(const char* p, size_t n, OnData&& on_data) {
    size_t i = 0;
    while (i < n && st_ != State::Done && st_ != State::Error) {
      char c = p[i];
      switch (st_) {
        case State::Size: {
          int d = hexval(c);
          if (d >= 0) {
            if (++size_digits_ > 15) { st_ = State::Error; break; }
            remaining_ = remaining_ * 16 + uint64_t(d);
            ++i;
          } else if (size_digits_ == 0) {
            st_ = State::Error;
          } else if (c == '\r') {
            st_ = State::SizeLF; ++i;
          } else if (c == ';' || c == ' ' || c == '\t') {
            st_ = State::SizeExt; ++i;
          } else {
            st_ = State::Error;
          }
          break;
        }
        case State::SizeExt:
          if (c == '\r') st_ = State::SizeLF;
          ++i;
          break;
        case State::SizeLF:
          if (c != '\n') { st_ = State::Error; break; }
          ++i;
          size_digits_ = 0;
          if (remaining_ == 0) { st_ = State::Trailer; trailer_len_ = 0; }
          else st_ = State::Data;
          break;
        case State::Data: {
          size_t take = n - i;
          if (take > remaining_) take = size_t(remaining_);
          on_data(p + i, take);
          i += take;
          remaining_ -= take;
          if (remaining_ == 0) st_ = State::DataCR;
          break;
        }
        case State::DataCR:
          if (c != '\r') { st_ = State::Error; break; }
          st_ = State::DataLF; ++i;
          break;
        case State::DataLF:
          if (c != '\n') { st_ = State::Error; break; }
          st_ = State::Size; ++i;
          break;
        case State::Trailer:  // a trailer line, or the empty line ending the body
          if (c == '\r') st_ = State::TrailerLF;
          else ++trailer_len_;
          ++i;
          break;
        case State::TrailerLF:
          if (c != '\n') { st_ = State::Error; break; }
          ++i;
          if (trailer_len_ == 0) st_ = State::Done;
          else { st_ = State::Trailer; trailer_len_ = 0; }
          break;
        default:
          break;
      }
    }
    return i;
  }

 private:
  static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  State st_ = State::Size;
  uint64_t remaining_ = 0;
  int size_digits_ = 0;
  size_t trailer_len_ = 0;
};

// True when a JSON body asks for streaming: "stream" : true (whitespace tolerant).
// Good enough for bench bodies; does not try to skip nested objects or strings.
inline bool json_wants_stream(std::string_view body) {
  size_t pos = 0;
  while ((pos = body.find("\"stream\"", pos)) != std::string_view::npos) {
    size_t i = pos + 8;
    auto ws = [&] { while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) ++i; };
    ws();
    if (i < body.size() && body[i] == ':') {
      ++i;
      ws();
      if (body.substr(i, 4) == "true") return true;
    }
    pos += 8;
  }
  return false;
}

}  // namespace bench

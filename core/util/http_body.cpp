#include "util/http_body.hpp"


namespace llmgw::util {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::size_t find_head_end(std::string_view in) {
  for (std::size_t pos = in.find('\n'); pos != std::string_view::npos; pos = in.find('\n', pos + 1)) {
    if (pos + 1 < in.size() && in[pos + 1] == '\n') return pos + 2;
    if (pos + 2 < in.size() && in[pos + 1] == '\r' && in[pos + 2] == '\n') return pos + 3;
  }
  return 0;
}

void BodyDecoder::reset(Mode mode, long long length) {
  mode_ = mode;
  switch (mode) {
    case Mode::Length: remaining_ = length; state_ = length > 0 ? State::Data : State::Done; break;
    case Mode::Chunked: remaining_ = 0; state_ = State::Size; break;
    case Mode::UntilClose: remaining_ = -1; state_ = State::Data; break;
  }
}

std::string_view BodyDecoder::available(ReadBuffer& c) {
  for (;;) {
    std::string_view in = c.view();
    switch (state_) {
      case State::Done:
        return {};
      case State::Data:
        if (remaining_ == 0) {
          state_ = mode_ == Mode::Chunked ? State::DataEnd : State::Done;
          continue;
        }
        if (remaining_ > 0 && in.size() > static_cast<unsigned long long>(remaining_))
          in = in.substr(0, static_cast<std::size_t>(remaining_));
        return in;
      case State::DataEnd:  // the CRLF after a chunk's data
        if (in.empty()) return {};
        if (in[0] == '\n') {
          c.consume(1);
        } else if (in[0] == '\r') {
          if (in.size() < 2) return {};
          if (in[1] != '\n') throw FramingError("Invalid chunk end");
          c.consume(2);
        } else {
          throw FramingError("Invalid chunk end");
        }
        state_ = State::Size;
        continue;
      case State::Size: {  // chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1)
        const std::size_t eol = in.find('\n');
        if (eol == std::string_view::npos) {
          if (in.size() > kMaxSizeLine) throw FramingError("Chunk size line too long");
          return {};
        }
        std::string_view line = in.substr(0, eol);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        unsigned long long size = 0;
        std::size_t digits = 0;
        for (; digits < line.size(); ++digits) {
          const int v = hex_value(line[digits]);
          if (v < 0) break;
          // 15 hex digits (2^60 bytes) is far past any body limit; more would overflow.
          if (digits == 15) throw FramingError("Chunk size too large");
          size = size << 4 | static_cast<unsigned>(v);
        }
        if (digits == 0) throw FramingError("Invalid chunk size");
        // What follows the digits: nothing, or whitespace and ';' extensions (ignored), with no
        // control characters (a bare CR among them is refused).
        std::string_view rest = line.substr(digits);
        std::size_t ws = 0;
        while (ws < rest.size() && (rest[ws] == ' ' || rest[ws] == '\t')) ++ws;
        if (ws < rest.size() && rest[ws] != ';') throw FramingError("Invalid chunk size");
        for (unsigned char ch : rest)
          if ((ch < 0x20 && ch != '\t') || ch == 0x7f) throw FramingError("Invalid chunk extension");
        c.consume(eol + 1);
        remaining_ = static_cast<long long>(size);
        trailer_bytes_ = trailer_fields_ = 0;
        state_ = size == 0 ? State::Trailer : State::Data;
        continue;
      }
      case State::Trailer: {  // trailer fields until a blank line; read, bounded, and dropped
        const std::size_t eol = in.find('\n');
        if (eol == std::string_view::npos) {
          if (trailer_bytes_ + in.size() > kMaxTrailerBytes) throw FramingError("Trailer section too large");
          return {};
        }
        const bool blank = eol == 0 || (eol == 1 && in[0] == '\r');
        trailer_bytes_ += eol + 1;
        if (!blank && (++trailer_fields_ > kMaxTrailerFields || trailer_bytes_ > kMaxTrailerBytes))
          throw FramingError("Trailer section too large");
        c.consume(eol + 1);
        if (blank) state_ = State::Done;
        continue;
      }
    }
  }
}

void BodyDecoder::take(ReadBuffer& c, std::size_t n) {
  c.consume(n);
  if (remaining_ > 0) remaining_ -= static_cast<long long>(n);
}

}  // namespace llmgw::util

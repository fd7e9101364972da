#include "util/http_body.hpp"

#include <charconv>

namespace llmgw::util {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
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
      case State::Size: {  // "1a2b[;ext]\r\n"
        const std::size_t eol = in.find('\n');
        if (eol == std::string_view::npos) {
          if (in.size() > 4096) throw FramingError("Chunk size line too long");
          return {};
        }
        std::string_view line = trim(in.substr(0, eol));
        unsigned long long size = 0;
        auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), size, 16);
        if (ec != std::errc() || (p != line.data() + line.size() && *p != ';' && *p != ' ' && *p != '\t'))
          throw FramingError("Invalid chunk size");
        c.consume(eol + 1);
        remaining_ = static_cast<long long>(size);
        state_ = size == 0 ? State::Trailer : State::Data;
        continue;
      }
      case State::Trailer: {  // trailer fields until a blank line
        const std::size_t eol = in.find('\n');
        if (eol == std::string_view::npos) {
          if (in.size() > 65536) throw FramingError("Trailer line too long");
          return {};
        }
        const bool blank = eol == 0 || (eol == 1 && in[0] == '\r');
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

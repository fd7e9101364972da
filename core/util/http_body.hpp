// HTTP/1.1 message body framing over a ReadBuffer: Content-Length, chunked (extensions and
// trailers skipped, within limits), or until the connection closes. No copies: callers take the bytes in place.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string_view>

#include "util/read_buffer.hpp"

namespace llmgw::util {

/// The length of the complete head at the start of `in` (through its blank line; CRLF or bare
/// LF line ends), or 0 when it is not complete yet.
std::size_t find_head_end(std::string_view in);

/// Malformed chunked framing.
class FramingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// available() advances over any framing that is complete in the buffer (chunk sizes, CRLFs,
/// trailers) and returns the body bytes that follow; take() consumes them.
class BodyDecoder {
 public:
  /// Limits on chunked framing: a chunk-size line (with its extensions), and the trailer
  /// section (fields and bytes). Past one, available() throws FramingError.
  static constexpr std::size_t kMaxSizeLine = 4096;
  static constexpr std::size_t kMaxTrailerFields = 32;
  static constexpr std::size_t kMaxTrailerBytes = 16 * 1024;

  enum class Mode { Length, Chunked, UntilClose };
  void reset(Mode mode, long long length = 0);
  /// Body bytes at the front of `in`; empty when more input is needed or when done().
  /// Throws FramingError.
  std::string_view available(ReadBuffer& in);
  void take(ReadBuffer& in, std::size_t n);
  bool done() const { return state_ == State::Done; }
  /// The input ended: so does the body (complete only for Mode::UntilClose).
  void end_of_input() { state_ = State::Done; }

 private:
  enum class State { Data, DataEnd, Size, Trailer, Done };
  Mode mode_ = Mode::Length;
  State state_ = State::Done;
  long long remaining_ = 0;  // of this chunk / of the Content-Length; -1: until close
  std::size_t trailer_bytes_ = 0, trailer_fields_ = 0;
};

}  // namespace llmgw::util

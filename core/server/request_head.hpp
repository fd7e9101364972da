// HTTP/1.1 request heads, strictly per RFC 9112: the request line, the field lines and the
// message framing they imply (Content-Length, Transfer-Encoding, Connection, Expect). Pure: bytes
// in, a parsed head or a refusal with its status out; no I/O, no Poco, no allocation once the
// field vector has grown. Every refusal closes the connection (the caller's job): after a framing
// error the next request's first byte cannot be known, and guessing it is request smuggling.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "canonical/header_fields.hpp"

namespace llmgw::server {

/// Size limits on a request head. A head over `max_head` or with too many or too long fields is
/// refused with 431, a request-target over `max_target` with 414.
struct HeadLimits {
  std::size_t max_head = 64 * 1024;
  std::size_t max_target = 16 * 1024;
  std::size_t max_fields = 100;
  std::size_t max_name = 256;
  std::size_t max_value = 8 * 1024;
  std::size_t max_method = 32;
};

/// name: a token, as sent (case kept); value: leading and trailing whitespace removed, no CR,
/// LF, NUL or other CTL.
using HeadField = canonical::HeaderField;

struct RequestHead {
  std::string_view method;  // a token
  std::string_view target;  // visible ASCII only
  int version_minor = 1;    // HTTP/1.<minor>; a higher minor is served as HTTP/1.1
  std::vector<HeadField> fields;  // in order; views into the parsed bytes (capacity reused)
  bool keep_alive = true;         // per the version and Connection
  bool expect_continue = false;   // Expect: 100-continue
  bool chunked = false;           // Transfer-Encoding: chunked (the only coding accepted)
  long long content_length = -1;  // -1: none given
};

/// A refusal: the status to answer with (400, 414, 431, 501 or 505) and why, as a static
/// string. status 0: the head was accepted.
struct HeadError {
  int status = 0;
  std::string_view reason;
  explicit operator bool() const { return status != 0; }
};

/// Parses a complete head: `head` runs from the request line through the blank line that ends
/// it (as HeadScanner delimits it; blank lines before the request line already skipped). Line
/// ends are CRLF or a bare LF (RFC 9112 §2.2 allows a recipient to accept LF); a bare CR anywhere
/// is refused. On success `out` holds views into `head`.
HeadError parse_request_head(std::string_view head, RequestHead& out, const HeadLimits& limits = {});

/// Finds where a head ends in bytes that arrive piece by piece, looking at each byte once: the
/// search resumes where the last one stopped, so a head dripped a byte at a time costs time
/// linear in its length, not quadratic.
class HeadScanner {
 public:
  /// Forget what was scanned (a new head starts at the front of the buffer).
  void reset() { scanned_ = 0; }
  /// The length of the complete head at the start of `in` (through its blank line), or 0 when
  /// it is not complete yet. `in` must be the same bytes as last time, possibly with more after.
  std::size_t find_end(std::string_view in);

 private:
  std::size_t scanned_ = 0;
};

}  // namespace llmgw::server

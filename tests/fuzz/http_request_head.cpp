// libFuzzer target: a client's request as server::Connection reads it — blank lines skipped,
// HeadScanner finding the head's end as the bytes arrive in pieces, parse_request_head (the
// strict RFC 9112 parser, server/request_head.hpp, which Request::parse runs) on the head, then
// the body framing it implies (util::BodyDecoder, as Request::read_body uses it) over the bytes
// that follow.
// Input: [stride][first] then the bytes from the client.
// Checks: HeadScanner, fed in pieces, ends the head where util::find_head_end does on the whole;
// a refusal has one of the documented statuses (400, 414, 431, 501, 505) and a reason; an
// accepted head has token method and field names, a visible-ASCII target, field values without
// CR/LF/NUL/CTL, views inside the head, never both chunked and a Content-Length; a body never
// holds more bytes than were sent after the head, and exactly Content-Length when complete.
#include "fuzz_util.hpp"
#include "server/request_head.hpp"
#include "util/http_body.hpp"
#include "util/read_buffer.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

namespace srv = llmgw::server;

namespace {

bool is_tchar(unsigned char c) {
  return std::isalnum(c) || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!is_tchar(c)) return false;
  return true;
}
bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  std::string_view input = in.rest(2);
  while (!input.empty() && (input.front() == '\r' || input.front() == '\n')) input.remove_prefix(1);

  // The head's end, found as the bytes arrive (the scanner sees a growing prefix).
  srv::HeadScanner scanner;
  std::size_t end = 0, seen = 0;
  for (std::string_view piece : fuzz::cut(input, in.byte(0), in.byte(1))) {
    seen += piece.size();
    if ((end = scanner.find_end(input.substr(0, seen))) > 0) break;
  }
  FUZZ_REQUIRE(end == llmgw::util::find_head_end(input));
  if (end == 0) return 0;
  FUZZ_REQUIRE(end <= input.size());
  const std::string_view head = input.substr(0, end);

  static srv::RequestHead parsed;  // reused, as a connection reuses its Request
  const srv::HeadError error = srv::parse_request_head(head, parsed);
  if (error) {
    FUZZ_REQUIRE(error.status == 400 || error.status == 414 || error.status == 431 || error.status == 501 ||
                 error.status == 505);
    FUZZ_REQUIRE(!error.reason.empty());
  } else {
    FUZZ_REQUIRE(is_token(parsed.method) && inside(parsed.method, head));
    FUZZ_REQUIRE(!parsed.target.empty() && inside(parsed.target, head));
    for (unsigned char c : parsed.target) FUZZ_REQUIRE(c > 0x20 && c < 0x7f);
    FUZZ_REQUIRE(parsed.version_minor >= 0);
    for (const srv::HeadField& f : parsed.fields) {
      FUZZ_REQUIRE(is_token(f.name) && inside(f.name, head) && inside(f.value, head));
      for (unsigned char c : f.value) FUZZ_REQUIRE(c >= 0x20 || c == '\t');
      FUZZ_REQUIRE(f.value.find('\x7f') == std::string_view::npos);
    }
    FUZZ_REQUIRE(!(parsed.chunked && parsed.content_length >= 0));
    FUZZ_REQUIRE(parsed.content_length >= -1);
  }

  if (error) return 0;

  // The body, framed as Request::parse sets it up: chunked, or Content-Length (none: no body,
  // RFC 9112 §6.3), read from the bytes after the head as Request::read_body reads them.
  llmgw::util::BodyDecoder decoder;
  if (parsed.chunked)
    decoder.reset(llmgw::util::BodyDecoder::Mode::Chunked);
  else
    decoder.reset(llmgw::util::BodyDecoder::Mode::Length, std::max(0LL, parsed.content_length));
  const std::string_view rest = input.substr(end);
  llmgw::util::ReadBuffer buf;
  for (std::string_view bytes = rest; !bytes.empty();) {
    char* at = buf.space();
    const std::size_t n = std::min(buf.space_size(), bytes.size());
    std::memcpy(at, bytes.data(), n);
    buf.commit(n);
    bytes.remove_prefix(n);
  }
  std::size_t body = 0;
  try {
    for (std::string_view b; !(b = decoder.available(buf)).empty();) {
      body += b.size();
      decoder.take(buf, b.size());
    }
  } catch (const llmgw::util::FramingError&) {
    return 0;
  }
  FUZZ_REQUIRE(body <= rest.size());
  if (decoder.done() && !parsed.chunked)
    FUZZ_REQUIRE(body == static_cast<std::size_t>(std::max(0LL, parsed.content_length)));
  return 0;
}

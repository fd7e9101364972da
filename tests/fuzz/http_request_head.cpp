// libFuzzer target: a client's request as server::Connection reads it — blank lines skipped,
// HeadScanner finding the head's end as the bytes arrive in pieces, parse_request_head (the
// strict RFC 9112 parser, server/request_head.hpp) on the head, then Request::parse and
// Request::read_body over the bytes that follow (no socket: the read after them fails, as for
// a client that stops sending).
// Input: [stride][first] then the bytes from the client.
// Checks: HeadScanner, fed in pieces, ends the head where util::find_head_end does on the whole;
// a refusal has one of the documented statuses (400, 414, 431, 501, 505) and a reason; an
// accepted head has token method and field names, a visible-ASCII target, field values without
// CR/LF/NUL/CTL, views inside the head, never both chunked and a Content-Length, and
// Request::parse agrees with it; a body never holds more bytes than were sent after the head,
// and exactly Content-Length when it is complete.
#include "fuzz_util.hpp"
#include "server/client_io.hpp"
#include "server/request.hpp"
#include "server/request_head.hpp"
#include "server/response.hpp"
#include "util/http_body.hpp"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <cstring>
#include <limits>
#include <string>

namespace srv = llmgw::server;

namespace {

struct Connection {
  std::atomic<bool> stopping{false};
  srv::ClientIO io{-1, stopping, 1};  // no socket: a read past the given bytes fails
  srv::ResponseStream stream;
  srv::Response response{io, stream};
  Poco::Net::StreamSocket socket;
  Poco::Net::HTTPServerParams::Ptr params{new Poco::Net::HTTPServerParams};
  srv::Request request{io, socket, response, params};
};

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

  static Connection c;
  c.io.input().clear();
  const srv::HeadError again = c.request.parse(head, srv::HeadLimits{});
  FUZZ_REQUIRE(again.status == error.status);
  if (again) return 0;
  FUZZ_REQUIRE(c.request.chunked() == parsed.chunked && c.request.content_length() == parsed.content_length);

  const std::string_view rest = input.substr(end);
  for (std::string_view bytes = rest; !bytes.empty();) {
    char* at = c.io.input().space();
    const std::size_t n = std::min(c.io.input().space_size(), bytes.size());
    std::memcpy(at, bytes.data(), n);
    c.io.input().commit(n);
    bytes.remove_prefix(n);
  }
  c.request.set_body_deadline(std::numeric_limits<int64_t>::max() / 2);
  static std::string body;
  const srv::Request::Body r = c.request.read_body(body, 1 << 20);
  FUZZ_REQUIRE(body.size() <= rest.size());
  if (r == srv::Request::Body::Ok && !c.request.chunked())
    FUZZ_REQUIRE(body.size() == static_cast<std::size_t>(std::max(0LL, c.request.content_length())));
  return 0;
}

// libFuzzer target: a client's request as server::Connection reads it — util::find_head_end on
// the bytes, server::Request::parse on the head (Poco's HTTPServerRequest interface filled by
// our parser), then Request::read_body over the bytes that follow (no socket: the read after
// them fails, as a client that stops sending would).
// Checks: find_head_end finds no head in a shorter prefix; parse throws nothing but Poco's
// exceptions; the framing it notes is consistent (a chunked body ignores Content-Length, which
// is -1 or not negative); a body never holds more bytes than were sent after the head.
#include "fuzz_util.hpp"
#include "server/client_io.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "util/http_body.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <cstring>
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
  srv::Request request{io, socket, response, params, 1};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t end = llmgw::util::find_head_end(input);
  FUZZ_REQUIRE(end <= input.size());
  if (end == 0) return 0;
  FUZZ_REQUIRE(llmgw::util::find_head_end(input.substr(0, end - 1)) == 0);

  static Connection c;  // reused, as a connection reuses its Request for each request
  c.io.input().clear();
  try {
    c.request.parse(input.substr(0, end));
  } catch (const Poco::Exception&) {
    return 0;
  }
  FUZZ_REQUIRE(c.request.content_length() >= -1);

  const std::string_view rest = input.substr(end);
  for (std::string_view bytes = rest; !bytes.empty();) {
    char* at = c.io.input().space();
    const std::size_t n = std::min(c.io.input().space_size(), bytes.size());
    std::memcpy(at, bytes.data(), n);
    c.io.input().commit(n);
    bytes.remove_prefix(n);
  }
  static std::string body;
  const srv::Request::Body r = c.request.read_body(body, 1 << 20);
  FUZZ_REQUIRE(body.size() <= rest.size());
  if (r == srv::Request::Body::Ok && !c.request.chunked())
    FUZZ_REQUIRE(body.size() == static_cast<std::size_t>(std::max(0LL, c.request.content_length())));
  return 0;
}

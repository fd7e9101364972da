// libFuzzer target: an upstream's answer as core/upstream reads it — util::find_head_end, then
// upstream::parse_response_head on the head, then util::BodyDecoder on what follows, framed the
// way the head says (chunked, Content-Length, or until close).
// Checks: find_head_end finds no head in any shorter prefix (the head is found as soon as it is
// complete, whatever the reads); parse_response_head throws nothing but Poco's exceptions and
// reports a head size equal to what it was given; no header name or value holds CR, LF or NUL.
#include "fuzz_util.hpp"
#include "upstream/response_framing.hpp"
#include "util/http_body.hpp"
#include "util/read_buffer.hpp"

#include <Poco/Exception.h>

#include <cstring>

namespace {

void append(llmgw::util::ReadBuffer& buf, std::string_view bytes) {
  while (!bytes.empty()) {
    char* at = buf.space();
    const std::size_t n = std::min(buf.space_size(), bytes.size());
    std::memcpy(at, bytes.data(), n);
    buf.commit(n);
    bytes.remove_prefix(n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t end = llmgw::util::find_head_end(input);
  FUZZ_REQUIRE(end <= input.size());
  if (end == 0) return 0;
  FUZZ_REQUIRE(llmgw::util::find_head_end(input.substr(0, end - 1)) == 0);
  FUZZ_REQUIRE(llmgw::util::find_head_end(input.substr(0, end)) == end);

  static llmgw::upstream::HeaderLines headers;  // reused, as a connection reuses it
  llmgw::upstream::ResponseHead head;
  try {
    head = llmgw::upstream::parse_response_head(input.substr(0, end), headers);
  } catch (const Poco::Exception&) {
    return 0;
  }
  FUZZ_REQUIRE(head.size == end);
  FUZZ_REQUIRE(headers.count <= headers.items.size());
  for (std::size_t i = 0; i < headers.count; ++i) {
    // Headers are relayed: a name or value with CR, LF or NUL is refused (issue 9; before it,
    // "200 O\n\rX: v" gave a header named "\rX": regressions/upstream_response).
    FUZZ_REQUIRE(!fuzz::has_ctl(headers.items[i].first));
    FUZZ_REQUIRE(!fuzz::has_ctl(headers.items[i].second));
  }

  llmgw::util::BodyDecoder body;
  if (head.chunked)
    body.reset(llmgw::util::BodyDecoder::Mode::Chunked);
  else if (head.content_length >= 0)
    body.reset(llmgw::util::BodyDecoder::Mode::Length, head.content_length);
  else
    body.reset(llmgw::util::BodyDecoder::Mode::UntilClose);
  llmgw::util::ReadBuffer buf;
  append(buf, input.substr(end));
  std::size_t got = 0;
  try {
    for (std::string_view b; !(b = body.available(buf)).empty();) {
      got += b.size();
      body.take(buf, b.size());
    }
  } catch (const llmgw::util::FramingError&) {
  }
  FUZZ_REQUIRE(got <= input.size() - end);
  return 0;
}

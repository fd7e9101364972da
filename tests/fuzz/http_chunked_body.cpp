// libFuzzer target: util::BodyDecoder (core/util/http_body.hpp), the request and upstream
// response body framing — Content-Length, chunked (sizes, extensions, trailers) or until close.
// Input: [mode][stride][first][len hi][len lo] then the bytes after the head. The same bytes are
// decoded twice, arriving whole and arriving in pieces (as reads from a socket would), with
// callers taking the offered bytes in part or in full; both must give the same body and the
// same outcome (done, framing error), and a body never holds more bytes than came in.
#include "fuzz_util.hpp"
#include "util/http_body.hpp"
#include "util/read_buffer.hpp"

#include <cstring>
#include <string>

namespace {

using llmgw::util::BodyDecoder;

struct Outcome {
  std::string body;
  bool error = false, done = false;
};

/// Appends `bytes` to `buf` the way ClientIO::fill does (space + commit), in as many steps as
/// the buffer's free space needs.
void append(llmgw::util::ReadBuffer& buf, std::string_view bytes) {
  while (!bytes.empty()) {
    char* at = buf.space();
    const std::size_t n = std::min(buf.space_size(), bytes.size());
    std::memcpy(at, bytes.data(), n);
    buf.commit(n);
    bytes.remove_prefix(n);
  }
}

Outcome decode(BodyDecoder::Mode mode, long long length, const std::vector<std::string_view>& pieces,
               std::size_t take_at_most) {
  BodyDecoder d;
  d.reset(mode, length);
  llmgw::util::ReadBuffer buf;
  Outcome o;
  try {
    for (std::string_view piece : pieces) {
      append(buf, piece);
      for (;;) {
        const std::string_view bytes = d.available(buf);
        if (bytes.empty()) break;
        const std::size_t n = std::min(bytes.size(), take_at_most);
        o.body.append(bytes.substr(0, n));
        d.take(buf, n);
      }
      if (d.done()) break;
    }
    if (!d.done()) d.end_of_input();
  } catch (const llmgw::util::FramingError&) {
    o.error = true;
  }
  o.done = d.done();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  const auto mode = static_cast<BodyDecoder::Mode>(in.byte(0) % 3);
  const long long length = (in.byte(3) << 8) | in.byte(4);
  const std::string_view bytes = in.rest(5);

  const Outcome whole = decode(mode, length, {bytes}, ~std::size_t{0});
  const Outcome cut = decode(mode, length, fuzz::cut(bytes, in.byte(1), in.byte(2)), 1 + in.byte(0) / 3 % 17);
  FUZZ_REQUIRE(whole.body == cut.body);
  FUZZ_REQUIRE(whole.error == cut.error);
  FUZZ_REQUIRE(whole.body.size() <= bytes.size());
  if (mode == BodyDecoder::Mode::Length) FUZZ_REQUIRE(whole.body.size() <= static_cast<std::size_t>(length));
  if (mode == BodyDecoder::Mode::UntilClose) FUZZ_REQUIRE(whole.body == bytes);
  return 0;
}

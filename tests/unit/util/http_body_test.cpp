// Chunked and length body framing (core/util/http_body): what is accepted, what is refused, and
// the limits on chunk-size lines and trailers.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "util/http_body.hpp"

using llmgw::util::BodyDecoder;
using llmgw::util::FramingError;
using llmgw::util::ReadBuffer;

namespace {

void put(ReadBuffer& in, std::string_view bytes) {
  while (!bytes.empty()) {
    char* at = in.space();
    const std::size_t n = std::min(bytes.size(), in.space_size());
    std::memcpy(at, bytes.data(), n);
    in.commit(n);
    bytes.remove_prefix(n);
  }
}

/// Decodes `wire` as a chunked body; the body, or throws FramingError. `done` says whether the
/// body ended.
std::string decode_chunked(std::string_view wire, bool* done = nullptr) {
  ReadBuffer in;
  put(in, wire);
  BodyDecoder d;
  d.reset(BodyDecoder::Mode::Chunked);
  std::string out;
  for (std::string_view b; !(b = d.available(in)).empty();) {
    out.append(b);
    d.take(in, b.size());
  }
  if (done) *done = d.done();
  return out;
}

}  // namespace

TEST_CASE("chunked bodies decode with extensions and trailers") {
  bool done = false;
  CHECK(decode_chunked("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-T: 1\r\n\r\n", &done) == "hello world");
  CHECK(done);
  CHECK(decode_chunked("A \r\n0123456789\r\n0\r\n\r\n", &done) == "0123456789");
  CHECK(done);
  CHECK(decode_chunked("5\nhello\n0\n\n", &done) == "hello");
  CHECK(done);
}

TEST_CASE("an incomplete chunked body waits for more") {
  bool done = true;
  CHECK(decode_chunked("5\r\nhel", &done) == "hel");
  CHECK_FALSE(done);
}

TEST_CASE("chunk sizes that overflow or are malformed are refused") {
  CHECK_THROWS_AS(decode_chunked("8000000000000000\r\nx"), FramingError);
  CHECK_THROWS_AS(decode_chunked("FFFFFFFFFFFFFFFFF\r\nx"), FramingError);
  CHECK_THROWS_AS(decode_chunked("1000000000000000\r\nx"), FramingError);
  CHECK_NOTHROW(decode_chunked("fffffffffffffff\r\nx"));  // 15 digits: within range, waits for data
  CHECK_THROWS_AS(decode_chunked("-5\r\nhello\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("+5\r\nhello\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("0x5\r\nhello\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("\r\nhello\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("5 x\r\nhello\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("5;a\rb\r\nhello\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("5\r\nhelloXX"), FramingError);
}

TEST_CASE("chunk-size lines and trailers are bounded") {
  CHECK_THROWS_AS(decode_chunked("5;" + std::string(BodyDecoder::kMaxSizeLine, 'e')), FramingError);
  std::string many = "0\r\n";
  for (std::size_t i = 0; i <= BodyDecoder::kMaxTrailerFields; ++i) many += "T: v\r\n";
  CHECK_THROWS_AS(decode_chunked(many + "\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("0\r\nT: " + std::string(BodyDecoder::kMaxTrailerBytes, 'v') + "\r\n\r\n"), FramingError);
  CHECK_THROWS_AS(decode_chunked("0\r\nT: " + std::string(BodyDecoder::kMaxTrailerBytes, 'v')), FramingError);
}

TEST_CASE("a Content-Length body ends at its length") {
  ReadBuffer in;
  put(in, "helloNEXT");
  BodyDecoder d;
  d.reset(BodyDecoder::Mode::Length, 5);
  CHECK(d.available(in) == "hello");
  d.take(in, 5);
  CHECK(d.available(in).empty());
  CHECK(d.done());
  CHECK(in.view() == "NEXT");
}

// ReadBuffer: appends and consumes, grows, and gives its storage back only when empty.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "util/read_buffer.hpp"

using llmgw::util::ReadBuffer;

namespace {
void put(ReadBuffer& b, std::string_view s) {
  while (!s.empty()) {
    char* at = b.space();
    const std::size_t n = std::min(s.size(), b.space_size());
    std::memcpy(at, s.data(), n);
    b.commit(n);
    s.remove_prefix(n);
  }
}
}  // namespace

TEST_CASE("read buffer: release keeps unread bytes and frees an empty buffer's storage") {
  ReadBuffer b;
  CHECK_FALSE(b.holds_storage());
  put(b, "GET / HTTP/1.1\r\n\r\n");
  b.release();  // unread bytes: nothing happens
  CHECK(b.holds_storage());
  CHECK(b.view() == "GET / HTTP/1.1\r\n\r\n");
  b.consume(b.size());
  b.release();
  CHECK_FALSE(b.holds_storage());
  CHECK(b.size() == 0);
  // The next read gets storage again (a spare of this thread's) and works as before.
  put(b, "next");
  CHECK(b.holds_storage());
  CHECK(b.view() == "next");
}

TEST_CASE("read buffer: a grown buffer keeps every byte, and is freed when released empty") {
  ReadBuffer b;
  std::string big(100'000, 'x');
  for (std::size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  put(b, big);
  CHECK(b.view() == big);
  b.consume(big.size() - 3);
  CHECK(b.view() == big.substr(big.size() - 3));
  b.consume(3);
  b.release();
  CHECK_FALSE(b.holds_storage());
  put(b, "small");
  CHECK(b.view() == "small");
}

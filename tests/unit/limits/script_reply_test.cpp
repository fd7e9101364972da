#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <string>

#include "limits/script_reply.hpp"

using namespace llmgw::limits;

namespace {
/// A reply from RESP bytes, as hiredis' reader builds it.
struct Parsed {
  explicit Parsed(const std::string& resp) {
    redisReader* r = redisReaderCreate();
    redisReaderFeed(r, resp.data(), resp.size());
    void* out = nullptr;
    if (redisReaderGetReply(r, &out) == REDIS_OK) reply = static_cast<redisReply*>(out);
    redisReaderFree(r);
  }
  ~Parsed() { if (reply) freeReplyObject(reply); }
  redisReply* reply = nullptr;
};

std::string ints(std::initializer_list<long long> v) {
  std::string s = "*";
  s += std::to_string(v.size());
  s += "\r\n";
  for (long long x : v) {
    s += ':';
    s += std::to_string(x);
    s += "\r\n";
  }
  return s;
}
}  // namespace

TEST_CASE("admit reply: an admission and a refusal decode") {
  Parsed ok(ints({1, 0, 0, 0, 1'700'000'000'123, 300, 299, 60000, 0, 0, 0, 5, 4}));
  auto d = decode_admit_reply(ok.reply, 1);
  REQUIRE(d);
  CHECK(d->allowed);
  CHECK(d->refused_scope == -1);
  CHECK(d->now_ms == 1'700'000'000'123);
  CHECK(d->figures[0] == ScopeFigures{300, 299, 60000, 0, 0, 0, 5, 4});

  Parsed no(ints({0, 2, 2, 1234, 5, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 30000, 0, 0}));
  d = decode_admit_reply(no.reply, 2);
  REQUIRE(d);
  CHECK_FALSE(d->allowed);
  CHECK(d->refused_scope == 1);
  CHECK(d->refused == Dimension::tokens);
  CHECK(d->retry_after_ms == 1234);
}

TEST_CASE("admit reply: anything else is refused") {
  CHECK_FALSE(decode_admit_reply(nullptr, 1));
  CHECK_FALSE(decode_admit_reply(Parsed("-ERR boom\r\n").reply, 1));
  CHECK_FALSE(decode_admit_reply(Parsed(":1\r\n").reply, 0));
  CHECK_FALSE(decode_admit_reply(Parsed(ints({1, 0, 0, 0, 5})).reply, 1));                      // too short
  CHECK_FALSE(decode_admit_reply(Parsed(ints({1, 0, 0, 0, 5, 1, 1, 1, 1, 1, 1, 1, 1})).reply, 2));  // n mismatch
  CHECK_FALSE(decode_admit_reply(Parsed(ints({2, 0, 0, 0, 5})).reply, 0));                      // not 0/1
  CHECK_FALSE(decode_admit_reply(Parsed(ints({1, 1, 1, 0, 5, 1, 1, 1, 1, 1, 1, 1, 1})).reply, 1));  // admitted + refused
  CHECK_FALSE(decode_admit_reply(Parsed(ints({0, 2, 1, 0, 5, 1, 1, 1, 1, 1, 1, 1, 1})).reply, 1));  // scope out of range
  CHECK_FALSE(decode_admit_reply(Parsed(ints({0, 0, 2, 0, 5, 1, 1, 1, 1, 1, 1, 1, 1})).reply, 1));  // refused, no scope (fuzz)
  CHECK_FALSE(decode_admit_reply(Parsed(ints({0, 1, 0, 0, 5, 1, 1, 1, 1, 1, 1, 1, 1})).reply, 1));  // refused, no dimension
  CHECK_FALSE(decode_admit_reply(Parsed(ints({0, 1, 4, 0, 5, 1, 1, 1, 1, 1, 1, 1, 1})).reply, 1));  // no such dimension
  CHECK_FALSE(decode_admit_reply(Parsed(ints({1, 0, 0, 0, 5, 1, -1, 1, 1, 1, 1, 1, 1})).reply, 1)); // negative
  CHECK_FALSE(decode_admit_reply(Parsed("*5\r\n:1\r\n:0\r\n:0\r\n:0\r\n$1\r\n5\r\n").reply, 0));    // a string
  CHECK(decode_admit_reply(Parsed(ints({1, 0, 0, 0, 5})).reply, 0));
}

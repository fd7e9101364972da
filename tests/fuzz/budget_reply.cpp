// libFuzzer target: the budget reserve script's Redis reply (RESP bytes through hiredis' reader)
// → policy::decode_reserve_reply for 0–3 scopes (the first byte). Checks: nothing crashes; a
// decoded reply names no scope beyond those asked about (refused in -1..scopes-1), and an
// admitted one has a non-negative headroom.
#include <hiredis/hiredis.h>

#include <cstdint>
#include <string_view>

#include "fuzz_util.hpp"
#include "policy/budget_reply.hpp"

namespace {
/// A RESP length over 1024 anywhere: hiredis 0.14 allocates an aggregate from its announced
/// length before reading it (not our parser; a Redis server is trusted), so such inputs are skipped.
bool huge_length(std::string_view b) {
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (b[i] != '*' && b[i] != '$' && b[i] != '%' && b[i] != '~' && b[i] != '>') continue;
    std::size_t j = i + 1;
    if (j < b.size() && b[j] == '-') ++j;
    std::uint64_t n = 0;
    while (j < b.size() && b[j] >= '0' && b[j] <= '9' && n <= 1024) n = n * 10 + static_cast<unsigned>(b[j++] - '0');
    if (n > 1024) return true;
  }
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t scopes = data[0] % 4;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (huge_length(bytes)) return 0;
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, bytes.data(), bytes.size());
  void* reply = nullptr;
  if (redisReaderGetReply(reader, &reply) == REDIS_OK && reply) {
    const auto r = llmgw::policy::decode_reserve_reply(*static_cast<const redisReply*>(reply), scopes);
    if (r) {
      FUZZ_REQUIRE(r->refused >= -1 && r->refused < static_cast<int>(scopes));
      FUZZ_REQUIRE(r->refused >= 0 || r->headroom_nano >= 0);
    }
    freeReplyObject(reply);
  }
  redisReaderFree(reader);
  return 0;
}

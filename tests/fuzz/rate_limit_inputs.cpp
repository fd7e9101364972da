// libFuzzer target: what the rate limits read from outside (core/limits). The first byte picks:
//   0  a Redis reply (RESP bytes through hiredis' reader) → decode_admit_reply for 0–3 scopes
//      (the second byte): nothing but a Decision with in-range values, or nullopt;
//   1  a request body → estimate_tokens: bounded, never below the body's share;
//   2  key metadata → model_limit_from_metadata: 0 or positive.
#include <hiredis/hiredis.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "limits/limit_scopes.hpp"
#include "limits/script_reply.hpp"
#include "limits/token_estimate.hpp"

using namespace llmgw::limits;

namespace {
/// Whether a RESP length anywhere in `b` is over 1024. hiredis 0.14's reader allocates an
/// aggregate's element array from its announced length before reading it (1.0 caps it with
/// maxelements): not our parser, and a Redis server is trusted, so such inputs are skipped.
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
  if (size < 2) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  switch (data[0] % 3) {
    case 0: {
      const std::size_t scopes = data[1] % 4;
      if (huge_length(bytes)) break;
      redisReader* reader = redisReaderCreate();
      redisReaderFeed(reader, bytes.data(), bytes.size());
      void* reply = nullptr;
      if (redisReaderGetReply(reader, &reply) == REDIS_OK && reply) {
        const auto d = decode_admit_reply(static_cast<const redisReply*>(reply), scopes);
        if (d) {
          FUZZ_REQUIRE(d->figures.size() == scopes);
          FUZZ_REQUIRE(d->allowed == (d->refused_scope == -1));
          FUZZ_REQUIRE(d->refused_scope < static_cast<int>(scopes));
          FUZZ_REQUIRE(d->retry_after_ms >= 0);
        }
        freeReplyObject(reply);
      }
      redisReaderFree(reader);
      break;
    }
    case 1: {
      const std::int64_t e = estimate_tokens(bytes);
      FUZZ_REQUIRE(e >= static_cast<std::int64_t>(bytes.size() / 4));
      FUZZ_REQUIRE(requested_output_tokens(bytes) <= 9'999'999'999);
      break;
    }
    default: {
      const std::string metadata(bytes);
      FUZZ_REQUIRE(model_limit_from_metadata(metadata, "model_rpm_limit", "gpt-4o") >= 0);
      break;
    }
  }
  return 0;
}

// libFuzzer target: the SDK's SSE framer (sdk/include/llmgw/sse.hpp), which every provider runs
// over upstream stream bytes. Input: [cap][stride][first] then the stream bytes.
// Checks: the same events come out whether the bytes arrive whole or in pieces; no event is
// longer than the cap; what the framer holds across feeds stays bounded by the cap.
#include "fuzz_util.hpp"

#include <llmgw/sse.hpp>

#include <string>

namespace {

std::vector<std::string> frame(std::size_t cap, const std::vector<std::string_view>& pieces) {
  llmgw::SseFramer f(cap);
  std::vector<std::string> events;
  auto fn = [&](std::string_view d) {
    events.emplace_back(d);
    return true;
  };
  for (std::string_view p : pieces) {
    f.feed(p, fn);
    FUZZ_REQUIRE(f.buffered_bytes() <= 2 * cap + llmgw::sse_detail::kLineSlack + 2);
  }
  f.finish(fn);
  FUZZ_REQUIRE(f.buffered_bytes() == 0);
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  const std::size_t cap = in.byte(0) < 128 ? 1 + in.byte(0) : llmgw::SseFramer::kDefaultMaxEventBytes;
  const std::string_view bytes = in.rest(3);
  const auto whole = frame(cap, {bytes});
  const auto cut = frame(cap, fuzz::cut(bytes, in.byte(1), in.byte(2)));
  FUZZ_REQUIRE(whole == cut);
  for (const std::string& e : whole) FUZZ_REQUIRE(e.size() <= cap);
  return 0;
}

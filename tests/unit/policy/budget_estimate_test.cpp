// The reservation a call takes at admission: prompt tokens from the body's strings, output bound
// by max_tokens or the model's maximum, capped; and the running cost of a stream's events.
#include <catch2/catch.hpp>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/budget_estimate.hpp"

using namespace llmgw;

namespace {

pricing::ModelPrice price() {
  pricing::ModelPrice p;
  p.input = 2'500'000;    // $2.50 / 1M
  p.output = 10'000'000;  // $10 / 1M
  p.max_output_tokens = 16384;
  return p;
}

}  // namespace

TEST_CASE("budget estimate: strings counted, keys and punctuation not; the output bound read") {
  // 4 strings: "gpt-4o" (6), "user" (4), 40 bytes of content, "x" (1) = 51 bytes → 13 + 4 = 17.
  std::string body = R"({"model":"gpt-4o","messages":[{"role":"user","content":")";
  body.append(40, 'a');
  body.append(R"("}],"max_tokens":100,"metadata":{"max_tokens":5,"k":"x"}})");
  const auto e = policy::estimate_request(body);
  CHECK(e.prompt_tokens == 17);
  CHECK(e.max_output_tokens == 100);  // the top-level one, not metadata's
  CHECK(policy::estimate_request(R"({"max_completion_tokens": 7, "max_tokens": 9})").max_output_tokens == 7);
  CHECK(policy::estimate_request(R"({"model":"m"})").max_output_tokens == -1);
  CHECK(policy::estimate_request("not json at all!").prompt_tokens == 4);  // 16 bytes / 4
}

TEST_CASE("budget estimate: reservation = prompt × input + bound × output, capped") {
  policy::RequestEstimate e{1000, 100};
  // 1000 × 2.5 µ$ + 100 × 10 µ$ = 2500 + 1000 µ$... in nano: 2,500,000 + 1,000,000.
  CHECK(policy::reservation_nano(price(), e, true, 1'000'000'000) == 3'500'000);
  CHECK(policy::reservation_nano(price(), e, false, 1'000'000'000) == 2'500'000);  // embeddings
  CHECK(policy::reservation_nano(price(), e, true, 3'000'000) == 3'000'000);       // the cap
  e.max_output_tokens = -1;  // the model's maximum: 16384 × 10 µ$
  CHECK(policy::reservation_nano(price(), e, true, 1'000'000'000) == 2'500'000 + 163'840'000);
  pricing::ModelPrice unbounded = price();
  unbounded.max_output_tokens = -1;
  CHECK(policy::reservation_nano(unbounded, e, true, 777) == 777);  // nothing bounds it: the cap
  // Rounded up to whole nano-dollars.
  pricing::ModelPrice tiny;
  tiny.input = 1;
  CHECK(policy::reservation_nano(tiny, policy::RequestEstimate{1, 0}, true, 1'000'000) == 1);
}

TEST_CASE("budget estimate: a stream's running cost, one output token per event") {
  CHECK(policy::streamed_cost_nano(price(), 1000, 0) == 2'500'000);
  CHECK(policy::streamed_cost_nano(price(), 1000, 3) == 2'530'000);
}

namespace {

/// The estimate as it was read before the in-place parse: rapidjson over a MemoryStream.
struct Reference : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Reference> {
  int depth = 0;
  bool bound_key = false;
  std::int64_t bytes = 0, strings = 0, bound = -1;
  bool Default() { return !(bound_key = false); }
  bool String(const char*, rapidjson::SizeType len, bool) {
    bytes += len;
    ++strings;
    bound_key = false;
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    const std::string_view k(s, len);
    bound_key = depth == 1 && (k == "max_tokens" || k == "max_completion_tokens" || k == "max_output_tokens");
    return true;
  }
  bool Int(int v) { return number(v); }
  bool Uint(unsigned v) { return number(v); }
  bool Int64(std::int64_t v) { return number(v); }
  bool Uint64(std::uint64_t v) { return number(v > 9'223'372'036'854'775'807ull ? INT64_MAX : static_cast<std::int64_t>(v)); }
  bool Double(double v) { return number(v >= 0 && v < 9e18 ? static_cast<std::int64_t>(v) : -1); }
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType) { return --depth, true; }
  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType) { return --depth, true; }
  bool number(std::int64_t v) {
    if (bound_key && v >= 0) bound = bound < 0 ? v : std::min(bound, v);
    bound_key = false;
    return true;
  }
  bool open() {
    ++depth;
    bound_key = false;
    return true;
  }
};

policy::RequestEstimate reference(std::string_view body) {
  Reference h;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(body.data(), body.size());
  if (reader.Parse<rapidjson::kParseIterativeFlag>(ms, h).IsError())
    return policy::RequestEstimate{static_cast<std::int64_t>((body.size() + 3) / 4), -1};
  return policy::RequestEstimate{(h.bytes + 3) / 4 + h.strings, h.bound};
}

}  // namespace

TEST_CASE("budget estimate: the in-place parse reads what the stream parse read") {
  using namespace std::string_literals;
  const std::vector<std::string> bodies{
      R"({"model":"gpt-4o","messages":[{"role":"user","content":"plain text, long enough to be skipped in runs"}]})",
      R"({"messages":[{"content":"esc \" \\ \/ \b \f \n \r \t and \u00e9 \u20ac \ud83d\ude00"}],"max_tokens":12})",
      R"({"max_tokens":-0,"max_completion_tokens":1.9e3,"max_output_tokens":18446744073709551616})",
      R"({"max_tokens":12}   )",
      R"({"max_tokens":12} x)",
      R"({"a":"\ud83d"})",
      R"({"a":"unterminated)",
      R"([{"max_tokens":3},"s",1,true,null,{"k":[[]]}])",
      "{\"a\":\"tab\tinside\"}",
      "{\"a\":\"b\"}\0{\"c\":1}"s,
      "{\"a\":\"nul \0 inside\"}"s,
      "",
      "   ",
      "\"just a string\"",
      R"({"a":1,})",
      std::string(3000, ' ') + R"({"content":")" + std::string(5000, 'x') + R"("})",
  };
  for (const std::string& b : bodies) {
    INFO(b);
    const policy::RequestEstimate got = policy::estimate_request(b), want = reference(b);
    CHECK(got.prompt_tokens == want.prompt_tokens);
    CHECK(got.max_output_tokens == want.max_output_tokens);
  }
  // Every cut of a body with escapes: the same at each length (most cuts are invalid JSON).
  const std::string full = R"({"model":"m","messages":[{"role":"user","content":"a\"b\u00e9\ud83d\ude00 c"}],"max_tokens":64})";
  for (std::size_t n = 0; n <= full.size(); ++n) {
    const std::string cut = full.substr(0, n);
    INFO(cut);
    CHECK(policy::estimate_request(cut).prompt_tokens == reference(cut).prompt_tokens);
    CHECK(policy::estimate_request(cut).max_output_tokens == reference(cut).max_output_tokens);
  }
}

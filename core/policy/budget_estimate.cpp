#include "policy/budget_estimate.hpp"

#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

#include <algorithm>
#include <limits>
#include <string>

#include "policy/estimate_tally.hpp"
#include "util/shrink.hpp"

namespace llmgw::policy {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

/// rapidjson's events into the tally.
struct EstimateHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EstimateHandler> {
  EstimateTally t;

  bool Default() {
    t.other();
    return true;
  }
  bool String(const char*, rapidjson::SizeType len, bool) {
    t.string(len);
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    t.key(std::string_view(s, len));
    return true;
  }
  bool Int(int v) { return number(v); }
  bool Uint(unsigned v) { return number(v); }
  bool Int64(std::int64_t v) { return number(v); }
  bool Uint64(std::uint64_t v) {
    t.number_u64(v);
    return true;
  }
  bool Double(double v) {
    t.number_double(v);
    return true;
  }
  bool StartObject() { return open(); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  bool number(std::int64_t v) {
    t.number(v);
    return true;
  }
  bool open() {
    t.open();
    return true;
  }
  bool close() {
    t.close();
    return true;
  }
};

std::int64_t times(std::int64_t tokens, std::int64_t pico) {
  const __int128 v = static_cast<__int128>(std::max<std::int64_t>(tokens, 0)) * std::max<std::int64_t>(pico, 0);
  return v > kMax ? kMax : static_cast<std::int64_t>(v);
}

std::int64_t pico_to_nano_up(__int128 pico) {
  const __int128 nano = (pico + 999) / 1000;
  return nano > kMax ? kMax : static_cast<std::int64_t>(nano);
}

}  // namespace

RequestEstimate estimate_request(std::string_view body) {
  RequestEstimate e;
  EstimateHandler h;
  rapidjson::Reader reader;
  // Parsed in place in a copy: rapidjson then skips a string's plain runs with SIMD instead of
  // copying it byte by byte onto its stack (~25k instructions for a 1 KB chat request, ~7k so).
  // The same grammar and the same lengths; the copy ends in NUL, where the body's end read as
  // NUL before. Only the handler sees the decoded strings, and only their lengths.
  thread_local std::string copy;
  copy.assign(body.data(), body.size());
  rapidjson::InsituStringStream in(copy.data());  // (data() is NUL-terminated)
  const bool failed = reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag>(in, h).IsError();
  util::shrink_after_peak(copy);
  if (failed) {
    e.prompt_tokens = static_cast<std::int64_t>((body.size() + 3) / 4);
    return e;
  }
  return h.t.estimate();
}

std::int64_t reservation_nano(const pricing::ModelPrice& price, const RequestEstimate& estimate, bool has_output,
                              std::int64_t cap_nano) {
  __int128 pico = times(estimate.prompt_tokens, price.input);
  if (has_output) {
    std::int64_t bound = estimate.max_output_tokens;
    if (bound < 0) bound = price.max_output_tokens >= 0 ? price.max_output_tokens : price.max_tokens;
    if (bound < 0) return cap_nano;  // nothing bounds the answer: the cap is the estimate
    pico += times(bound, std::max(price.output, price.reasoning));
  }
  return std::min(pico_to_nano_up(pico), cap_nano);
}

std::int64_t streamed_cost_nano(const pricing::ModelPrice& price, std::int64_t prompt_tokens, std::int64_t events) {
  const __int128 pico = static_cast<__int128>(times(prompt_tokens, price.input)) +
                        times(events, std::max(price.output, price.reasoning));
  return pico_to_nano_up(pico);
}

}  // namespace llmgw::policy

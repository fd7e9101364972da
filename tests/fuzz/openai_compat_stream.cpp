// libFuzzer target for openai-compat's hand-written fast paths (tests/fuzz/README.md):
//   - ChatStreamWatch fed whole and fed in pieces reaches the same state, usage and error;
//   - SseFramer hands out the same events however the bytes are cut;
//   - for every event, the has_nonnull_key pre-filter never hides what scan_json finds;
//   - scan_json's fast path, wherever it vouches for a document (the input, each event, and
//     the input under a depth limit of 1 + data[0] % 8), finds exactly what the reference finds;
//   - the error-body, classification, redaction and Retry-After parsers take any input.
// Run: build-sanitize/bin/fuzz_openai_compat_stream -max_total_time=60 tests/fuzz/corpus/openai_compat_stream
#include <openai_compat/chat_stream.hpp>
#include <openai_compat/error_body.hpp>
#include <openai_compat/json_scan.hpp>
#include <openai_compat/retry_after.hpp>
#include <openai_compat/sse_framer.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace oc = llmgw::openai_compat;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  oc::ChatStreamWatch::Step step;
  bool has_usage = false;
  llmgw_usage usage{};
  llmgw::Error error;
};

Outcome watch(const std::vector<std::string_view>& pieces) {
  oc::ChatStreamWatch w(256);
  Outcome o;
  for (std::string_view p : pieces) {
    if (w.feed(p) != oc::ChatStreamWatch::Step::kMore) break;
    if (w.take_usage(o.usage)) o.has_usage = true;
  }
  o.step = w.close();
  if (w.take_usage(o.usage)) o.has_usage = true;
  o.error = w.error();
  return o;
}

bool same_usage(const llmgw_usage& a, const llmgw_usage& b) {
  return a.prompt_tokens == b.prompt_tokens && a.completion_tokens == b.completion_tokens &&
         a.cached_tokens == b.cached_tokens && a.cache_creation_tokens == b.cache_creation_tokens &&
         a.reasoning_tokens == b.reasoning_tokens;
}

/// scan_json's two paths agree on `doc` wherever the fast one vouches for it; returns the answer.
oc::JsonScan scan_both_paths(std::string_view doc, unsigned max_depth = llmgw::kJsonMaxDepth) {
  const oc::JsonScan ref = oc::scan_json_reference(doc, max_depth);
  oc::JsonScan fast;
  if (oc::scan_json_fast(doc, max_depth, fast)) {
    require(ref.valid && fast.valid);
    require(fast.root_object == ref.root_object && fast.has_usage == ref.has_usage &&
            same_usage(fast.usage, ref.usage) && fast.has_error == ref.has_error &&
            fast.finish_seen == ref.finish_seen && fast.too_deep == ref.too_deep);
  }
  return ref;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  // Cut the input every `a` bytes, the first cut at `b`.
  const std::size_t a = 1 + data[0] % 64, b = data[1] % 64;
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0, next = std::min(b, input.size()); at < input.size();
       at = next, next = std::min(next + a, input.size()))
    pieces.push_back(input.substr(at, next - at));

  const Outcome whole = watch({input});
  const Outcome cut = watch(pieces);
  require(whole.step == cut.step);
  require(whole.has_usage == cut.has_usage);
  if (whole.has_usage) require(same_usage(whole.usage, cut.usage));
  if (whole.step == oc::ChatStreamWatch::Step::kError) {
    require(whole.error.error_class == cut.error.error_class);
    require(whole.error.status == cut.error.status);
    require(whole.error.message == cut.error.message);
  }

  std::vector<std::string> events_whole, events_cut;
  auto collect = [](std::vector<std::string>& into) {
    return [&into](std::string_view d) {
      into.emplace_back(d);
      return true;
    };
  };
  {
    oc::SseFramer f(256);
    auto fn = collect(events_whole);
    f.feed(input, fn);
    f.finish(fn);
  }
  {
    oc::SseFramer f(256);
    auto fn = collect(events_cut);
    for (std::string_view p : pieces) f.feed(p, fn);
    f.finish(fn);
  }
  require(events_whole == events_cut);

  for (const std::string& e : events_whole) {
    const oc::JsonScan s = scan_both_paths(e);
    if (s.has_usage) require(oc::has_nonnull_key(e, "\"usage\""));
    if (s.finish_seen) require(oc::has_nonnull_key(e, "\"finish_reason\""));
    if (s.has_error) require(e.find("\"error\"") != std::string::npos);
  }

  (void)scan_both_paths(input);
  (void)scan_both_paths(input, 1 + data[0] % 8);
  oc::ErrorFields f = oc::parse_error_body(input);
  (void)oc::status_for_embedded_error(f);
  llmgw::Error err = oc::classify_error(400 + data[0] % 200, std::move(f), 5);
  const std::string_view secrets[] = {input.substr(0, data[1] % 8)};
  oc::redact(err.message, secrets, 1);
  (void)oc::parse_duration_ms(input);
  (void)oc::parse_http_date(input);
  (void)oc::parse_retry_after_ms(input, 0);
  return 0;
}

// guardrail-pii scan throughput: 100 KB prompts (prose with a little personal data in it) through
// the plugin's vtable as the core calls it — check() on one segment (one block-mode Hyperscan
// scan plus validation and placeholders; the replacements recorded, as the core does), and a
// guard stream fed the same text in 64-byte pieces (streaming-mode scan, hold-back, release). Prints MB/s for each, from the median time of one
// call (the build machine is shared: a mean swings with the other builds, a median much less),
// and overall: the three prompts' bytes over the sum of their median times.
//   bench_pii_scan [seconds per measurement, default 2]
#include <llmgw/testing.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace {

/// A prompt of `bytes`: prose, or (dense) prose with an order number, a timestamp and a UUID in
/// every sentence; with `pii`, an e-mail address and a phone number every ~2 KB.
std::string prompt(std::size_t bytes, bool dense, bool pii) {
  static const char* kProse =
      "The quarterly report shows that revenue grew in the third quarter, driven by strong demand in "
      "the enterprise segment and by the new pricing model. Please summarise the main points for the "
      "board and suggest three questions they are likely to ask about margins and hiring. ";
  static const char* kDense = "Order #A-2024-000123 shipped on 2024-01-15T10:30:45Z with id 550e8400-e29b-41d4-a716-446655440000. ";
  std::string s;
  std::size_t since = 0;
  while (s.size() < bytes) {
    s += kProse;
    if (dense) s += kDense;
    if (pii && s.size() - since > 2048) {
      s += "Contact jane.roe@example.org or +44 20 7946 0958 for details. ";
      since = s.size();
    }
  }
  s.resize(bytes);
  return s;
}

/// The median time of one call of `fn`, in seconds, over `seconds` of calls.
template <class Fn>
double median_seconds(double seconds, Fn&& fn) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::vector<double> times;
  for (auto at = start; std::chrono::duration<double>(at - start).count() < seconds || times.size() < 5;) {
    fn();
    const auto now = clock::now();
    times.push_back(std::chrono::duration<double>(now - at).count());
    at = now;
  }
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2), times.end());
  return times[times.size() / 2];
}

/// One check() of `text` as the core makes it: the replacements recorded (the core splices them
/// into the body once, afterwards), not applied one by one as the test double does.
llmgw_verdict check(llmgw::testing::GuardrailInstance& g, const std::string& text) {
  struct Rep {
    std::size_t offset, len;
    std::string text;
  };
  thread_local std::vector<Rep> reps;
  reps.clear();
  const llmgw_segment segment = llmgw::testing::GuardrailInstance::to_c(llmgw::testing::TestSegment{text});
  llmgw_guard_request r{};
  r.struct_size = sizeof r;
  r.phase = LLMGW_PHASE_INPUT;
  r.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  r.segments = &segment;
  r.count = 1;
  r.segment_size = sizeof segment;
  llmgw_guard_out o{};
  o.struct_size = sizeof o;
  o.replace = [](void*, size_t, size_t off, size_t len, llmgw_str t) { reps.push_back({off, len, std::string(t.ptr, t.len)}); };
  o.block = [](void*, size_t, llmgw_str, llmgw_str) {};
  return g.vtable().check(g.inst, &r, &o);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const auto& vt = *static_cast<const llmgw_guardrail_vtable*>(llmgw_plugin_entry_v1()->vtable);
  llmgw::testing::GuardrailInstance g(vt, "{}");
  if (g.rc != LLMGW_OK) {
    std::fprintf(stderr, "create failed: %s\n", g.error.c_str());
    return 1;
  }
  constexpr std::size_t kBytes = 100 * 1024;
  double block_total = 0, stream_total = 0;
  for (int kind = 0; kind < 3; ++kind) {
    const bool dense = kind == 2, pii = kind >= 1;
    const std::string text = prompt(kBytes, dense, pii);
    const std::size_t replaced = g.check({llmgw::testing::TestSegment{text}}).replacements.size();
    const double block = median_seconds(seconds, [&] { check(g, text); });
    const double stream = median_seconds(seconds, [&] {
      llmgw::testing::GuardStreamSession s(g);
      for (std::size_t at = 0; at < text.size(); at += 64) s.feed(0, std::string_view(text).substr(at, 64));
      s.close(0);
    });
    block_total += block;
    stream_total += stream;
    static const char* kNames[] = {"prose", "prose + personal data", "numbers-dense + personal data"};
    std::printf("guardrail-pii, 100 KB prompt, %-30s (%3zu matches): check %6.0f MB/s, stream (64-byte pieces) %6.0f MB/s\n",
                kNames[kind], replaced, kBytes / block / 1e6, kBytes / stream / 1e6);
  }
  std::printf("guardrail-pii, overall (3 x 100 KB)                              : check %6.0f MB/s, stream (64-byte pieces) %6.0f MB/s\n",
              3 * kBytes / block_total / 1e6, 3 * kBytes / stream_total / 1e6);
  // The latency case: a 2 KB request (its text in one segment), as a time per check.
  for (int kind = 0; kind < 2; ++kind) {
    std::string text = prompt(2048 - (kind ? 64 : 0), false, false);
    if (kind) text += " Reach me at jane.roe@example.org or +44 20 7946 0958.";
    const double t = median_seconds(seconds / 2, [&] { check(g, text); });
    std::printf("guardrail-pii, 2 KB request, %-31s: check %6.2f us\n", kind ? "e-mail + phone (redacted)" : "no personal data",
                t * 1e6);
  }
  return 0;
}

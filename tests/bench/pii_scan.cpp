// guardrail-pii scan throughput: 100 KB prompts (prose with a little personal data in it) through
// the plugin's vtable as the core calls it — check() on one segment (one block-mode Hyperscan
// scan plus validation and placeholders), and a guard stream fed the same text in 64-byte pieces
// (streaming-mode scan, hold-back, release). Prints MB/s for each.
//   bench_pii_scan [seconds per measurement, default 2]
#include <llmgw/testing.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

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

template <class Fn>
double mb_per_s(std::size_t bytes, double seconds, Fn&& fn) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::size_t done = 0;
  double elapsed = 0;
  do {
    fn();
    done += bytes;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(done) / elapsed / 1e6;
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
  for (int kind = 0; kind < 3; ++kind) {
    const bool dense = kind == 2, pii = kind >= 1;
    const std::string text = prompt(kBytes, dense, pii);
    std::size_t replaced = 0;
    const double block = mb_per_s(kBytes, seconds, [&] { replaced = g.check({llmgw::testing::TestSegment{text}}).replacements.size(); });
    const double stream = mb_per_s(kBytes, seconds, [&] {
      llmgw::testing::GuardStreamSession s(g);
      for (std::size_t at = 0; at < text.size(); at += 64) s.feed(0, std::string_view(text).substr(at, 64));
      s.close(0);
    });
    static const char* kNames[] = {"prose", "prose + personal data", "numbers-dense + personal data"};
    std::printf("guardrail-pii, 100 KB prompt, %-30s (%3zu matches): check %6.0f MB/s, stream (64-byte pieces) %6.0f MB/s\n",
                kNames[kind], replaced, block, stream);
  }
  return 0;
}

// A fixed, lock-free table of labeled series: each slot holds one metric's label set (as the
// exposition text `a="x",b="y"`, written once when the set is first seen) and kValues atomic
// values. Lookups and adds take no lock and allocate nothing: a request formats its label text
// into a stack buffer, hashes it, and probes. Inserting claims a slot with one CAS; a reader that
// meets a slot being claimed waits for it (a few stores), so a label set never gets two slots.
// A full table drops the new series and counts it (overflow()).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <thread>

namespace llmgw::telemetry {

template <std::size_t kValues, std::size_t kSlots>
class LabeledSeries {
 public:
  static constexpr std::size_t kMaxLabels = 240;  // bytes of label text; longer sets are cut

  struct Slot {
    std::atomic<uint32_t> state{0};  // 0 empty, 1 being claimed, 2 ready
    uint16_t metric = 0;
    uint16_t labels_len = 0;
    uint64_t hash = 0;
    char labels[kMaxLabels];
    std::array<std::atomic<uint64_t>, kValues> values{};
  };

  /// The values of (metric, labels), claimed on first use; null when the table is full.
  std::array<std::atomic<uint64_t>, kValues>* find(uint16_t metric, std::string_view labels) noexcept {
    if (labels.size() > kMaxLabels) labels = labels.substr(0, kMaxLabels);
    const uint64_t h = hash(metric, labels);
    for (std::size_t probe = 0; probe < kSlots; ++probe) {
      Slot& s = slots_[(h + probe) % kSlots];
      uint32_t st = s.state.load(std::memory_order_acquire);
      if (st == 0) {
        uint32_t expected = 0;
        if (s.state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
          s.metric = metric;
          s.hash = h;
          s.labels_len = static_cast<uint16_t>(labels.size());
          std::memcpy(s.labels, labels.data(), labels.size());
          s.state.store(2, std::memory_order_release);
          return &s.values;
        }
        st = expected;
      }
      while (st == 1) {  // another thread is writing this slot's labels
        std::this_thread::yield();
        st = s.state.load(std::memory_order_acquire);
      }
      if (s.hash == h && s.metric == metric && std::string_view(s.labels, s.labels_len) == labels) return &s.values;
    }
    overflow_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }

  /// Calls fn(metric, labels, values) for every ready slot of `metric` (scrape time).
  template <class Fn>
  void for_each(uint16_t metric, Fn&& fn) const {
    for (const Slot& s : slots_) {
      if (s.state.load(std::memory_order_acquire) != 2 || s.metric != metric) continue;
      fn(std::string_view(s.labels, s.labels_len), s.values);
    }
  }

  uint64_t overflow() const noexcept { return overflow_.load(std::memory_order_relaxed); }

 private:
  static uint64_t hash(uint16_t metric, std::string_view labels) noexcept {
    uint64_t h = 1469598103934665603ull ^ metric;
    for (unsigned char c : labels) h = (h ^ c) * 1099511628211ull;
    return h;
  }
  std::array<Slot, kSlots> slots_{};
  std::atomic<uint64_t> overflow_{0};
};

}  // namespace llmgw::telemetry

// Counters that saturate instead of wrapping: numbers from outside (an upstream's usage) must
// never turn a total negative.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>

namespace llmgw::util {

/// A token count as reported from outside: -1 (not reported) and values in
/// [0, kMaxTokenCount] pass; anything else becomes -1 or the cap. The cap (2^40, about a
/// trillion tokens) keeps every sum of a few of them far from overflow.
inline constexpr int64_t kMaxTokenCount = int64_t{1} << 40;
inline int64_t sane_token_count(int64_t v) {
  if (v < 0) return -1;
  return v > kMaxTokenCount ? kMaxTokenCount : v;
}

/// a + b for b >= 0, stopping at the type's maximum.
template <class T>
T saturating_add(T a, T b) {
  return a > std::numeric_limits<T>::max() - b ? std::numeric_limits<T>::max() : a + b;
}

/// counter += delta (delta >= 0), stopping at the maximum; lock-free.
template <class T>
void saturating_fetch_add(std::atomic<T>& counter, T delta) {
  T cur = counter.load(std::memory_order_relaxed);
  while (!counter.compare_exchange_weak(cur, saturating_add(cur, delta), std::memory_order_relaxed)) {
  }
}

}  // namespace llmgw::util

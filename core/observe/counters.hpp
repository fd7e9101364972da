// Monotonic counters that plugins register through llmgw_host.counter_register, read by /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace llmgw::observe {

/// One counter as for_each_counter shows it. Exposed as llmgw_plugin_<name>_total{plugin="..."}.
struct CounterView {
  std::string_view plugin;  // descriptor name of the plugin that registered it
  std::string_view name;    // [a-zA-Z_][a-zA-Z0-9_]*, at most kMaxNameLength bytes
  std::string_view help;
  uint64_t value;
};

/// A fixed table of counters. Registration takes a mutex (create() time only); add() and the
/// reads in for_each_counter are lock-free, so the hot path never blocks. Handles are slot + 1,
/// 0 means "not registered" and add(0, ...) is a no-op.
class Counters {
 public:
  static constexpr std::size_t kCapacity = 1024;
  static constexpr std::size_t kMaxNameLength = 100;

  Counters() = default;
  Counters(const Counters&) = delete;
  Counters& operator=(const Counters&) = delete;

  /// Registers (plugin, name) and returns its handle; the same pair registered again (one
  /// plugin, several instances) returns the same handle. Returns 0 for an invalid name or when
  /// the table is full; `why` then says which.
  uint32_t register_counter(std::string_view plugin, std::string_view name, std::string_view help,
                            std::string* why = nullptr);

  /// Adds delta to a registered counter; an unknown handle is ignored. Lock-free.
  void add(uint32_t handle, uint64_t delta) noexcept;

  /// The current value of a counter (0 for an unknown handle).
  uint64_t value(uint32_t handle) const noexcept;

  /// Number of registered counters.
  std::size_t size() const noexcept { return published_.load(std::memory_order_acquire); }

  /// Calls fn for every registered counter, in registration order. Lock-free; values are read
  /// with relaxed loads (each is exact, the set is not a snapshot across counters).
  void for_each_counter(const std::function<void(const CounterView&)>& fn) const;

 private:
  struct Meta {
    std::string plugin, name, help;
  };
  std::mutex register_mutex_;
  std::atomic<std::size_t> published_{0};
  std::array<Meta, kCapacity> meta_{};
  std::array<std::atomic<uint64_t>, kCapacity> values_{};
};

/// The process-wide table behind every plugin's host table (and behind /metrics).
Counters& counters();

/// Shorthand for counters().for_each_counter(fn).
void for_each_counter(const std::function<void(const CounterView&)>& fn);

}  // namespace llmgw::observe

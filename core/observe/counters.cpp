#include "observe/counters.hpp"

#include "util/saturating.hpp"

namespace llmgw::observe {

namespace {

bool valid_counter_name(std::string_view name) {
  if (name.empty() || name.size() > Counters::kMaxNameLength) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name.front())) return false;
  for (char c : name) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

}  // namespace

uint32_t Counters::register_counter(std::string_view plugin, std::string_view name,
                                          std::string_view help, std::string* why) {
  if (!valid_counter_name(name)) {
    if (why) *why = "invalid counter name '" + std::string(name) + "' (want [a-zA-Z_][a-zA-Z0-9_]*)";
    return 0;
  }
  std::lock_guard lock(register_mutex_);
  const std::size_t count = published_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < count; ++i) {
    if (meta_[i].plugin == plugin && meta_[i].name == name) return static_cast<uint32_t>(i + 1);
  }
  if (count == kCapacity) {
    if (why) *why = "counter table full (" + std::to_string(kCapacity) + " counters)";
    return 0;
  }
  meta_[count] = Meta{std::string(plugin), std::string(name), std::string(help)};
  values_[count].store(0, std::memory_order_relaxed);
  // Release: a reader that sees the new size also sees the slot's metadata.
  published_.store(count + 1, std::memory_order_release);
  return static_cast<uint32_t>(count + 1);
}

void Counters::add(uint32_t handle, uint64_t delta) noexcept {
  if (handle == 0 || handle > size()) return;
  util::saturating_fetch_add<uint64_t>(values_[handle - 1], delta);
}

uint64_t Counters::value(uint32_t handle) const noexcept {
  if (handle == 0 || handle > size()) return 0;
  return values_[handle - 1].load(std::memory_order_relaxed);
}

void Counters::for_each_counter(const std::function<void(const CounterView&)>& fn) const {
  const std::size_t count = size();
  for (std::size_t i = 0; i < count; ++i) {
    fn(CounterView{meta_[i].plugin, meta_[i].name, meta_[i].help,
                   values_[i].load(std::memory_order_relaxed)});
  }
}

Counters& counters() {
  static Counters counters;
  return counters;
}

void for_each_counter(const std::function<void(const CounterView&)>& fn) {
  counters().for_each_counter(fn);
}

}  // namespace llmgw::observe

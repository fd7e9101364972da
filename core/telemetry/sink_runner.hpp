// One sink instance and its thread: a bounded queue of events in front of the plugin's emit.
// Producers (the event loops, in phase 9) hold the queue's mutex only to move a pointer in; a
// full queue drops the event and counts it. The sink thread takes a batch out under the mutex
// and calls emit with no lock held, so a sink that blocks forever blocks only its own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loader/registry.hpp"

namespace llmgw::telemetry {

/// One event's JSON, shared by every sink that takes it (reference-counted, freed by the last).
struct SharedEvent {
  std::atomic<int> refs{1};
  int32_t type = LLMGW_EVENT_REQUEST;
  uint32_t schema_version = 1;
  int64_t time_unix_ms = 0;
  std::string json;
  void release() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

class SinkRunner {
 public:
  /// `name` is the metrics label (the plugin's descriptor name, then "#2"… for repeats).
  SinkRunner(std::string name, std::unique_ptr<loader::SinkInstance> sink, std::size_t capacity);
  ~SinkRunner();  // stop() must have returned true, or the runner must have been abandoned
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  void start();
  /// Takes a reference to `event` when there is room; otherwise counts a drop. Never waits for
  /// the sink.
  void push(SharedEvent* event) noexcept;
  /// Stops taking events, lets the thread emit what is queued and flush, and joins it. False
  /// when the thread did not finish within `wait_ms` (a sink stuck in emit): the caller must
  /// then leak the runner (its thread still uses it).
  bool stop(int64_t wait_ms);

  const std::string& name() const { return name_; }
  /// How long the stop of the last snapshot holding this runner waits for it (Telemetry).
  void set_stop_wait_ms(int64_t ms) { stop_wait_ms_.store(ms, std::memory_order_relaxed); }
  int64_t stop_wait_ms() const { return stop_wait_ms_.load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t emitted() const { return emitted_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  std::size_t queued() const;

 private:
  void run();
  void emit(SharedEvent* event, uint64_t dropped_before);
  void flush();

  std::string name_;
  std::unique_ptr<loader::SinkInstance> sink_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable finished_cv_;
  std::vector<SharedEvent*> ring_;   // capacity slots
  std::size_t head_ = 0, size_ = 0;  // guarded by mutex_
  bool stopping_ = false, waiting_ = false, finished_ = false;
  uint64_t dropped_unreported_ = 0;  // drops since the last emit (llmgw_sink_event.dropped_before)
  std::atomic<uint64_t> dropped_{0}, emitted_{0}, errors_{0};
  std::atomic<int64_t> stop_wait_ms_{2000};
  int64_t last_error_log_ms_ = -1;
  std::thread thread_;
};

}  // namespace llmgw::telemetry

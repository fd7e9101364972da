// Access lines buffered in memory and written to stderr by one background thread, like nginx's
// buffered access_log: a request appends its line under a mutex (no system call, no thread
// wakeup); the thread writes what gathered every kInterval or when a batch fills. Bounded: when
// the buffer is full, lines are dropped (and counted) rather than blocking a request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace llmgw::observe {

class AccessWriter {
 public:
  static constexpr auto kInterval = std::chrono::milliseconds(100);
  static constexpr std::size_t kBatch = 64 * 1024;       // written at once when this much gathered
  static constexpr std::size_t kMaxBuffered = 4 << 20;  // beyond this, lines are dropped

  /// The process's writer (its thread starts on first use; what is buffered is written at exit).
  static AccessWriter& instance();
  ~AccessWriter();

  /// Appends `text` (one or more complete lines, each ending in '\n').
  void append(std::string_view text);

 private:
  AccessWriter();
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  std::size_t dropped_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace llmgw::observe

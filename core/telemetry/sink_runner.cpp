#include "telemetry/sink_runner.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace llmgw::telemetry {
namespace {

constexpr std::size_t kBatch = 64;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SinkRunner::SinkRunner(std::string name, std::unique_ptr<loader::SinkInstance> sink, std::size_t capacity)
    : name_(std::move(name)), sink_(std::move(sink)), ring_(capacity ? capacity : 1, nullptr) {}

SinkRunner::~SinkRunner() {
  for (std::size_t i = 0; i < size_; ++i) ring_[(head_ + i) % ring_.size()]->release();
}

void SinkRunner::start() { thread_ = std::thread([this] { run(); }); }

void SinkRunner::push(SharedEvent* event) noexcept {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || size_ == ring_.size()) {
      ++dropped_unreported_;
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    event->refs.fetch_add(1, std::memory_order_relaxed);
    ring_[(head_ + size_) % ring_.size()] = event;
    ++size_;
    wake = waiting_;
    waiting_ = false;
  }
  if (wake) wake_.notify_one();
}

std::size_t SinkRunner::queued() const {
  std::lock_guard lock(mutex_);
  return size_;
}

void SinkRunner::run() {
  SharedEvent* batch[kBatch];
  bool unflushed = false;
  for (;;) {
    std::size_t n = 0;
    uint64_t dropped_before = 0;
    bool stop = false;
    {
      std::unique_lock lock(mutex_);
      if (size_ == 0 && unflushed && !stopping_) {
        lock.unlock();  // the queue ran empty after events: let a batching sink export
        flush();
        unflushed = false;
        continue;
      }
      while (size_ == 0 && !stopping_) {
        waiting_ = true;
        wake_.wait(lock);
      }
      stop = stopping_ && size_ == 0;
      while (n < kBatch && size_ > 0) {
        batch[n++] = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --size_;
      }
      dropped_before = dropped_unreported_;
      dropped_unreported_ = 0;
    }
    for (std::size_t i = 0; i < n; ++i) {
      emit(batch[i], i == 0 ? dropped_before : 0);
      batch[i]->release();
      unflushed = true;
    }
    if (stop) break;
  }
  flush();
  std::lock_guard lock(mutex_);
  finished_ = true;
  finished_cv_.notify_all();
}

void SinkRunner::emit(SharedEvent* event, uint64_t dropped_before) {
  llmgw_sink_event e{};
  e.struct_size = sizeof e;
  e.type = event->type;
  e.schema_version = event->schema_version;
  e.json = llmgw_str{event->json.data(), event->json.size()};
  e.time_unix_ms = event->time_unix_ms;
  e.dropped_before = dropped_before;
  const llmgw_status rc = sink_->vtable().emit(sink_->instance(), &e);
  if (rc == LLMGW_OK) {
    emitted_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  errors_.fetch_add(1, std::memory_order_relaxed);
  const int64_t now = now_ms();
  if (last_error_log_ms_ < 0 || now - last_error_log_ms_ >= 60000) {
    last_error_log_ms_ = now;
    spdlog::warn("sink {}: emit failed (status {}); {} failures so far (logged at most once a minute)", name_, rc,
                 errors_.load(std::memory_order_relaxed));
  }
}

void SinkRunner::flush() {
  const auto& vt = sink_->vtable();
  if (!vt.flush) return;
  if (vt.flush(sink_->instance()) != LLMGW_OK) errors_.fetch_add(1, std::memory_order_relaxed);
}

bool SinkRunner::stop(int64_t wait_ms) {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_one();
  if (!thread_.joinable()) return true;
  if (!finished_cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return finished_; })) {
    thread_.detach();
    return false;
  }
  lock.unlock();
  thread_.join();
  return true;
}

}  // namespace llmgw::telemetry

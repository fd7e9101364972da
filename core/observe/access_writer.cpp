#include "observe/access_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>

namespace llmgw::observe {
namespace {

/// Writes whole lines to stderr, at most PIPE_BUF bytes per write so that lines written by other
/// threads to the same pipe never land inside one of ours.
void write_lines(std::string_view text) {
  while (!text.empty()) {
    std::size_t n = text.size();
    if (n > PIPE_BUF) {
      const std::size_t nl = text.rfind('\n', PIPE_BUF - 1);
      n = nl == std::string_view::npos ? PIPE_BUF : nl + 1;
    }
    const ssize_t w = ::write(STDERR_FILENO, text.data(), n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // stderr is gone: nothing else to do with the lines
    text.remove_prefix(static_cast<std::size_t>(w));
  }
}

}  // namespace

AccessWriter& AccessWriter::instance() {
  static AccessWriter writer;
  return writer;
}

AccessWriter::AccessWriter() : thread_([this] { run(); }) {}

AccessWriter::~AccessWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AccessWriter::append(std::string_view text) {
  bool notify;
  {
    std::lock_guard lock(mutex_);
    if (buffer_.size() + text.size() > kMaxBuffered) {
      ++dropped_;
      return;
    }
    // The thread sleeps until the first line of a batch and then gathers for kInterval: it is
    // woken once per batch, not once per line.
    notify = buffer_.empty() || (buffer_.size() < kBatch && buffer_.size() + text.size() >= kBatch);
    buffer_.append(text);
  }
  if (notify) wake_.notify_one();
}

void AccessWriter::run() {
  std::string out;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !buffer_.empty(); });
    if (!stop_) wake_.wait_for(lock, kInterval, [&] { return stop_ || buffer_.size() >= kBatch; });
    if (dropped_ > 0) {
      buffer_ += "{\"type\":\"access_dropped\",\"lines\":" + std::to_string(dropped_) + "}\n";
      dropped_ = 0;
    }
    out.swap(buffer_);
    const bool last = stop_;
    lock.unlock();
    write_lines(out);
    out.clear();
    lock.lock();
    if (last && buffer_.empty()) return;
  }
}

}  // namespace llmgw::observe

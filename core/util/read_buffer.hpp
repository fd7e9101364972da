// A growable byte buffer for socket reads: bytes are appended at the back (space + commit) and
// consumed from the front; the unconsumed tail moves to the front when a quarter or less of the
// buffer is left, and the buffer doubles when unread bytes fill most of it. An empty buffer can
// give its storage back (release()): an idle keep-alive connection then holds none, as in nginx;
// the storage goes to a few spares per thread, from which the next read takes it.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace llmgw::util {

class ReadBuffer {
 public:
  const char* data() const { return buf_.get() + begin_; }
  std::size_t size() const { return end_ - begin_; }
  std::string_view view() const { return {data(), size()}; }
  void consume(std::size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() { begin_ = end_ = 0; }

  /// Gives the storage back when nothing is unread (else does nothing).
  void release() {
    if (!buf_ || begin_ != end_) return;
    if (cap_ == kInitial) {
      auto& s = spares();
      if (s.size() < kMaxSpares) s.push_back(std::move(buf_));
    }
    buf_.reset();
    cap_ = begin_ = end_ = 0;
  }
  /// Whether storage is held.
  bool holds_storage() const { return buf_ != nullptr; }

  /// Free space at the back for the next read (at least 1 byte; grows when full of unread bytes).
  char* space() {
    if (!buf_) {
      auto& s = spares();
      if (!s.empty()) {
        buf_ = std::move(s.back());
        s.pop_back();
      } else {
        buf_.reset(new char[kInitial]);  // not zeroed: only bytes read in are ever looked at
      }
      cap_ = kInitial;
    } else if (cap_ - end_ < cap_ / 4) {  // little room left: make some
      if (begin_ > 0) {
        std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      } else {
        std::unique_ptr<char[]> bigger(new char[cap_ * 2]);
        std::memcpy(bigger.get(), buf_.get(), end_);
        buf_ = std::move(bigger);
        cap_ *= 2;
      }
    }
    return buf_.get() + end_;
  }
  std::size_t space_size() const { return cap_ - end_; }
  /// Marks `n` bytes written at space() as read in.
  void commit(std::size_t n) { end_ += n; }

 private:
  static constexpr std::size_t kInitial = 16384;
  static constexpr std::size_t kMaxSpares = 64;  // per thread: 1 MB at most
  static std::vector<std::unique_ptr<char[]>>& spares() {
    static thread_local std::vector<std::unique_ptr<char[]>> s;
    return s;
  }
  std::unique_ptr<char[]> buf_;
  std::size_t cap_ = 0, begin_ = 0, end_ = 0;
};

}  // namespace llmgw::util

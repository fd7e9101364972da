// A client connection's byte I/O: one read buffer, reads that wait in slices so that a shutdown
// is noticed, and whole writes of up to four pieces in one system call.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <cstddef>
#include <string_view>

#include "util/read_buffer.hpp"

namespace llmgw::server {

class ClientIO {
 public:
  /// `slice_ms` bounds each blocking read (the socket's receive timeout), so that waits notice
  /// `stopping` that often.
  ClientIO(int fd, const std::atomic<bool>& stopping, int slice_ms);

  enum class Read { Data, Closed, Timeout, Error };
  /// Reads what arrives next into input(), waiting up to `timeout_ms`; an `idle` wait (between
  /// requests) also ends when the server stops.
  Read fill(int timeout_ms, bool idle);
  util::ReadBuffer& input() { return in_; }

  /// Writes every byte of the pieces (one writev when the socket takes them); false on error or
  /// send timeout.
  bool write(std::string_view a, std::string_view b = {}, std::string_view c = {}, std::string_view d = {});
  int fd() const { return fd_; }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
  int slice_ms_;
  util::ReadBuffer in_;
};

}  // namespace llmgw::server

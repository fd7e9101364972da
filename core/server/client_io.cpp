#include "server/client_io.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>

namespace llmgw::server {

ClientIO::ClientIO(int fd, const std::atomic<bool>& stopping, int slice_ms)
    : fd_(fd), stopping_(stopping), slice_ms_(std::max(1, slice_ms)) {
  timeval tv{slice_ms_ / 1000, (slice_ms_ % 1000) * 1000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

ClientIO::Read ClientIO::fill(int timeout_ms, bool idle) {
  for (int waited = 0;;) {
    char* at = in_.space();
    const ssize_t n = ::recv(fd_, at, in_.space_size(), 0);
    if (n > 0) {
      in_.commit(static_cast<std::size_t>(n));
      return Read::Data;
    }
    if (n == 0) return Read::Closed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Read::Error;
    waited += slice_ms_;  // one receive timeout passed
    if (waited >= timeout_ms || (idle && stopping_.load(std::memory_order_relaxed))) return Read::Timeout;
  }
}

bool ClientIO::write(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  iovec iov[4];
  int count = 0;
  for (std::string_view s : {a, b, c, d})
    if (!s.empty()) iov[count++] = {const_cast<char*>(s.data()), s.size()};
  iovec* at = iov;
  while (count > 0) {
    msghdr msg{};
    msg.msg_iov = at;
    msg.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;  // EAGAIN here is the send timeout: a client that stopped reading
    }
    auto left = static_cast<std::size_t>(n);
    while (count > 0 && left >= at->iov_len) {
      left -= at->iov_len;
      ++at;
      --count;
    }
    if (count > 0) {
      at->iov_base = static_cast<char*>(at->iov_base) + left;
      at->iov_len -= left;
    }
  }
  return true;
}

}  // namespace llmgw::server

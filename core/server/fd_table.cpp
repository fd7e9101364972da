#include "server/fd_table.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace llmgw::server {

int fd_table_size() {
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (!f) return 0;
  char line[256];
  int size = 0;
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, "FDSize:", 7) == 0) {
      size = std::atoi(line + 7);
      break;
    }
  }
  std::fclose(f);
  return size;
}

int prepare_fd_table(int descriptors) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return fd_table_size();
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
  }
  const rlim_t cap = r.rlim_cur == RLIM_INFINITY ? rlim_t{1} << 20 : r.rlim_cur;
  const int highest = static_cast<int>(std::min<rlim_t>(cap, static_cast<rlim_t>(std::max(descriptors, 1)))) - 1;
  if (highest > fd_table_size()) {
    // Placing a descriptor at the highest slot makes the kernel grow the table to hold it; the
    // table never shrinks, so closing it keeps the room.
    const int any = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (any >= 0) {
      const int placed = highest > any ? ::fcntl(any, F_DUPFD_CLOEXEC, highest) : -1;
      if (placed >= 0) ::close(placed);
      ::close(any);
    }
  }
  return fd_table_size();
}

}  // namespace llmgw::server

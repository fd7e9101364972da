// Small socket/time helpers shared by the benchmark tools (libc only).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace bench {

inline int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

inline void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

inline sockaddr_in loopback_addr(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// Listening socket on 127.0.0.1:port (0 = kernel picks). Returns fd, fills *bound.
inline int listen_loopback(uint16_t port, uint16_t* bound, int backlog = 4096) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback_addr(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, backlog) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  if (bound) *bound = ntohs(a.sin_port);
  return fd;
}

// Arms a CLOCK_MONOTONIC timerfd to fire at absolute time t_ns (0 disarms).
inline void arm_timer_abs(int tfd, int64_t t_ns) {
  itimerspec its{};
  if (t_ns > 0) {
    its.it_value.tv_sec = t_ns / 1000000000LL;
    its.it_value.tv_nsec = t_ns % 1000000000LL;
  }
  timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, nullptr);
}

[[noreturn]] inline void die(const char* what) {
  std::perror(what);
  std::exit(2);
}

}  // namespace bench

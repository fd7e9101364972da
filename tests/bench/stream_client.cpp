// bench_stream_client: single-threaded epoll client for the concurrency benchmarks (libc only).
//
// Streams (tests/bench/streams.sh):
//   bench_stream_client --url http://127.0.0.1:PORT/v1/chat/completions --streams N --events E
//                       [--ramp-ms 1000] [--stall-ms 1250] [--timeout-s 30] [--name NAME]
// Opens N streaming Chat Completions requests (the loadgen's ~1 KB body with "stream":true), one
// connection each, spread evenly over --ramp-ms, so that all N are open at once for most of a
// paced stream. Per stream it records the time to the first body byte (from the connect() call)
// and counts the SSE events ("data:" events, "[DONE]" included; E expected). A stream is
// completed when it ended cleanly (terminating chunk) with "[DONE]" and all E events; stalled
// when two consecutive events came more than --stall-ms apart or it was still open --timeout-s
// after the last one was opened (then it is closed).
//   RESULT name= streams= events= completed= events_missing= stalled= failed= connect_errors=
//          http_errors= broken= timed_out= ttfb_p50_us= ttfb_p99_us= ttfb_max_us= max_gap_ms=
//          peak_open= duration_ms= client_cpu_us=
// events_missing: E minus the events received, summed over all N streams (a stream that never
// connected misses all E); failed: connect errors + non-200 answers + broken connections.
//
// Idle connections (tests/bench/idle.sh):
//   bench_stream_client --url http://127.0.0.1:PORT --idle N [--probes K] [--probe-gap-ms 50]
//                       [--probe-timeout-ms 1000] [--ramp-ms 1000] [--open-timeout-s 20]
//                       [--settle-ms 500] [--chat-path /v1/chat/completions] [--name NAME]
// Opens N keep-alive connections (spread over --ramp-ms); each sends one GET /health, reads the
// answer and then stays idle. Once all have been answered (or --open-timeout-s passed) and
// --settle-ms later, it runs K probes of each kind, alternating, one at a time, --probe-gap-ms
// apart: a NEW connection sending GET /health, and a NEW connection sending a non-stream chat
// completion (the loadgen's ~1 KB body); latency from connect() to the last byte of the answer.
// Prints "IDLE_OPEN ..." on stdout once the idle set is up, then
//   RESULT name= idle= idle_ok= idle_failed= idle_closed= open_ms= health_n= health_ok=
//          health_timeouts= health_p50_us= health_max_us= chat_n= chat_ok= chat_timeouts=
//          chat_p50_us= chat_max_us= client_cpu_us=
// idle_closed: idle connections the server closed before the probes ended.
//
// Both modes raise the soft fd limit to the hard one; a human summary goes to stderr.
#include <sys/epoll.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "http_parse.hpp"
#include "loadgen_util.hpp"
#include "net_util.hpp"

namespace {

using namespace bench;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

// Incremental reader of one HTTP/1.1 response (Content-Length, chunked or close-delimited).
struct ResponseReader {
  std::string head;
  bool have_head = false;
  HeadInfo hi;
  int status = 0;
  uint64_t remaining = 0;
  bool close_delimited = false;
  ChunkedDecoder dec;

  // Feeds bytes; body bytes go to on_body. Returns -1 on a framing error, 1 once the response is
  // complete (bytes after it are ignored), 0 when more is needed.
  template <class OnBody>
  int feed(const char* p, size_t n, OnBody&& on_body) {
    if (!have_head) {
      size_t old = head.size();
      head.append(p, n);
      size_t end = find_header_end(head.data(), head.size());
      if (end == 0) return head.size() > 65536 ? -1 : 0;
      if (!parse_head(head.data(), end, hi)) return -1;
      status = status_code(hi.first_line);
      have_head = true;
      p += end - old;
      n -= end - old;
      head.resize(end);
      if (!hi.chunked && hi.has_length) remaining = hi.content_length;
      close_delimited = !hi.chunked && !hi.has_length;
      if (!hi.chunked && hi.has_length && remaining == 0) return 1;
    }
    if (hi.chunked) {
      dec.feed(p, n, on_body);
      if (dec.error()) return -1;
      return dec.done() ? 1 : 0;
    }
    if (close_delimited) {
      if (n) on_body(p, n);
      return 0;
    }
    size_t take = n < remaining ? n : size_t(remaining);
    if (take) on_body(p, take);
    remaining -= take;
    return remaining == 0 ? 1 : 0;
  }
  // The peer closed: complete only for a close-delimited body.
  bool complete_at_eof() const { return have_head && close_delimited; }
};

int64_t self_cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return int64_t(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

struct Args {
  Options o;  // host, port, path, name (loadgen_util.hpp)
  int streams = 0, events = 20, idle = 0, probes = 20;
  double ramp_ms = 1000, stall_ms = 1250, timeout_s = 30, probe_gap_ms = 50, probe_timeout_ms = 1000;
  double open_timeout_s = 20, settle_ms = 500;
  std::string chat_path = "/v1/chat/completions";
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: bench_stream_client --url URL --streams N --events E [--ramp-ms MS] [--stall-ms MS]\n"
               "                           [--timeout-s S] [--name NAME]\n"
               "       bench_stream_client --url http://127.0.0.1:PORT --idle N [--probes K] [--probe-gap-ms MS]\n"
               "                           [--probe-timeout-ms MS] [--ramp-ms MS] [--open-timeout-s S]\n"
               "                           [--settle-ms MS] [--chat-path PATH] [--name NAME]\n");
  std::exit(2);
}

Args parse(int argc, char** argv) {
  Args a;
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (k == "--url") { if (!parse_url(val(), a.o)) usage(); have_url = true; }
    else if (k == "--streams") a.streams = std::atoi(val());
    else if (k == "--events") a.events = std::atoi(val());
    else if (k == "--idle") a.idle = std::atoi(val());
    else if (k == "--probes") a.probes = std::atoi(val());
    else if (k == "--ramp-ms") a.ramp_ms = std::atof(val());
    else if (k == "--stall-ms") a.stall_ms = std::atof(val());
    else if (k == "--timeout-s") a.timeout_s = std::atof(val());
    else if (k == "--probe-gap-ms") a.probe_gap_ms = std::atof(val());
    else if (k == "--probe-timeout-ms") a.probe_timeout_ms = std::atof(val());
    else if (k == "--open-timeout-s") a.open_timeout_s = std::atof(val());
    else if (k == "--settle-ms") a.settle_ms = std::atof(val());
    else if (k == "--chat-path") a.chat_path = val();
    else if (k == "--name") a.o.name = val();
    else usage();
  }
  if (!have_url || (a.streams > 0) == (a.idle > 0) || a.streams < 0 || a.idle < 0 || a.events < 1 ||
      a.probes < 0 || a.ramp_ms < 0 || a.stall_ms <= 0 || a.timeout_s <= 0 || a.probe_timeout_ms <= 0)
    usage();
  return a;
}

// A non-blocking connect to the target; -1 (errno set) when it failed at once.
int start_connect(const sockaddr_in& addr) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  set_nodelay(fd);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

bool socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  return getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0;
}

// Base of both modes: the epoll set and the target address.
class Client {
 protected:
  explicit Client(const Args& a) : a_(a) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) die("epoll_create1");
    addr_ = loopback_addr(a.o.port);
    inet_pton(AF_INET, a.o.host.c_str(), &addr_.sin_addr);
  }
  void watch(int fd, uint32_t id, uint32_t ev, int op = EPOLL_CTL_ADD) {
    epoll_event e{};
    e.events = ev;
    e.data.u32 = id;
    if (epoll_ctl(ep_, op, fd, &e) != 0 && op == EPOLL_CTL_ADD) die("epoll_ctl");
  }
  void drop(int& fd) {
    if (fd < 0) return;
    epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    fd = -1;
  }
  // Sends what it can of req from off; false on a send error.
  static bool send_some(int fd, const std::string& req, size_t& off) {
    while (off < req.size()) {
      ssize_t w = send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
      if (w > 0) { off += size_t(w); continue; }
      if (w < 0 && errno == EINTR) continue;
      return w < 0 && errno == EAGAIN;
    }
    return true;
  }
  void warn_once(const char* what, int err) {
    if (warned_) return;
    warned_ = true;
    std::fprintf(stderr, "%s: %s: %s\n", a_.o.name.c_str(), what, std::strerror(err));
  }

  const Args& a_;
  int ep_ = -1;
  sockaddr_in addr_{};
  bool warned_ = false;
};

// ---- streams ------------------------------------------------------------------------------------

class Streams : Client {
 public:
  explicit Streams(const Args& a) : Client(a), s_(size_t(a.streams)) {
    Options o = a.o;
    o.stream = true;
    req_ = make_request(o, make_body(true, o.model));
  }

  int run() {
    const int64_t t0 = now_ns();
    const size_t n = s_.size();
    const int64_t ramp_ns = int64_t(a_.ramp_ms * 1e6);
    const int64_t deadline = t0 + ramp_ns + int64_t(a_.timeout_s * 1e9);
    size_t next = 0;
    epoll_event evs[512];
    while (!g_stop) {
      int64_t now = now_ns();
      while (next < n && t0 + (n > 1 ? ramp_ns * int64_t(next) / int64_t(n - 1) : 0) <= now) open(next++, now);
      if (next == n && finished_ == n) break;
      if (now >= deadline) break;
      int wait_ms = next < n ? 1 : 50;
      int k = epoll_wait(ep_, evs, 512, wait_ms);
      if (k < 0 && errno != EINTR) die("epoll_wait");
      now = now_ns();
      for (int i = 0; i < k; ++i) on_event(evs[i].data.u32, evs[i].events, now);
    }
    const int64_t t_end = now_ns();
    for (size_t i = 0; i < n; ++i)  // still open at the deadline (or unopened on a signal)
      if (s_[i].st != St::Done && s_[i].st != St::Failed) {
        ++timed_out_;
        s_[i].stalled = true;
        finish(i, St::Failed, t_end);
      }
    report(t0, t_end);
    return 0;
  }

 private:
  enum class St { Pending, Connecting, Reading, Done, Failed };
  struct Stream {
    int fd = -1;
    St st = St::Pending;
    int64_t t_start = 0, t_sent = 0, t_first = 0, t_last_event = 0, max_gap = 0;
    size_t wr_off = 0;
    ResponseReader rd;
    std::string pending;  // decoded body bytes not yet split into events
    int events = 0;
    bool saw_done = false, stalled = false;
  };

  void open(size_t i, int64_t now) {
    Stream& s = s_[i];
    s.t_start = now;
    s.fd = start_connect(addr_);
    if (s.fd < 0) {
      warn_once("connect", errno);
      ++connect_errors_;
      finish(i, St::Failed, now);
      return;
    }
    s.st = St::Connecting;
    watch(s.fd, uint32_t(i), EPOLLOUT | EPOLLIN | EPOLLRDHUP);
    if (++open_ > peak_open_) peak_open_ = open_;
  }

  void finish(size_t i, St st, int64_t now) {
    Stream& s = s_[i];
    if (s.fd >= 0) {
      drop(s.fd);
      --open_;
    }
    s.st = st;
    ++finished_;
    (void)now;
  }

  void on_event(uint32_t i, uint32_t events, int64_t now) {
    Stream& s = s_[i];
    if (s.st == St::Connecting) {
      if ((events & (EPOLLERR | EPOLLHUP)) || ((events & EPOLLOUT) && socket_error(s.fd))) {
        ++connect_errors_;
        return finish(i, St::Failed, now);
      }
      if (!(events & EPOLLOUT)) return;
      if (!send_some(s.fd, req_, s.wr_off)) {
        ++broken_;
        return finish(i, St::Failed, now);
      }
      if (s.wr_off < req_.size()) return;  // EPOLLOUT again
      s.t_sent = now;
      s.st = St::Reading;
      watch(s.fd, i, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_MOD);
      return;
    }
    if (s.st != St::Reading) return;
    char buf[65536];
    for (;;) {
      ssize_t r = read(s.fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno == EAGAIN) return;
      if (r <= 0) {  // EOF or error
        if (r == 0 && s.rd.complete_at_eof()) return done(i, now);
        ++broken_;
        return finish(i, St::Failed, now);
      }
      int st = s.rd.feed(buf, size_t(r), [&](const char* p, size_t m) { on_body(s, p, m, now); });
      if (st < 0 || (s.rd.have_head && s.rd.status != 200)) {
        if (s.rd.have_head && s.rd.status != 200) ++http_errors_;
        else ++broken_;
        return finish(i, St::Failed, now);
      }
      if (st == 1) return done(i, now);
      if (size_t(r) < sizeof buf) return;
    }
  }

  void done(size_t i, int64_t now) {
    Stream& s = s_[i];
    if (!s.pending.empty()) count_event(s, s.pending, now);  // a last event without its blank line
    s.pending.clear();
    finish(i, St::Done, now);
  }

  void on_body(Stream& s, const char* p, size_t m, int64_t now) {
    if (m == 0) return;
    if (s.t_first == 0) s.t_first = now;
    s.pending.append(p, m);
    // SSE events end at a blank line ("\n\n", or "\r\n\r\n").
    for (;;) {
      size_t a = s.pending.find("\n\n"), b = s.pending.find("\n\r\n");
      size_t end, len;
      if (a == std::string::npos && b == std::string::npos) break;
      if (b == std::string::npos || (a != std::string::npos && a < b)) end = a, len = 2;
      else end = b, len = 3;
      count_event(s, std::string_view(s.pending).substr(0, end), now);
      s.pending.erase(0, end + len);
    }
  }

  void count_event(Stream& s, std::string_view ev, int64_t now) {
    if (ev.find("data:") == std::string_view::npos) return;  // a comment (keep-alive) or empty
    ++s.events;
    if (ev.find("[DONE]") != std::string_view::npos) s.saw_done = true;
    if (s.t_last_event) {
      int64_t gap = now - s.t_last_event;
      if (gap > s.max_gap) s.max_gap = gap;
      if (double(gap) > a_.stall_ms * 1e6) s.stalled = true;
    }
    s.t_last_event = now;
  }

  void report(int64_t t0, int64_t t_end) {
    Samples ttfb;
    ttfb.reserve(s_.size());
    uint64_t completed = 0, missing = 0, stalled = 0;
    int64_t max_gap = 0, last_end = t0;
    for (const Stream& s : s_) {
      if (s.t_first) ttfb.add(s.t_first - s.t_start);
      if (s.st == St::Done && s.saw_done && s.events == a_.events) ++completed;
      if (s.events < a_.events) missing += uint64_t(a_.events - s.events);
      if (s.stalled) ++stalled;
      max_gap = std::max(max_gap, s.max_gap);
      last_end = std::max(last_end, s.t_last_event);
    }
    ttfb.finish();
    if (const char* trace = std::getenv("BENCH_TTFB_TRACE")) {  // per stream: start, sent, first byte (µs)
      if (FILE* f = std::fopen(trace, "w")) {
        for (const Stream& s : s_)
          std::fprintf(f, "%lld %lld %lld\n", (long long)((s.t_start - t0) / 1000),
                       (long long)(s.t_sent ? (s.t_sent - s.t_start) / 1000 : -1),
                       (long long)(s.t_first ? (s.t_first - s.t_start) / 1000 : -1));
        std::fclose(f);
      }
    }
    const uint64_t failed = connect_errors_ + http_errors_ + broken_ + timed_out_;
    std::fprintf(stderr,
                 "%s: %zu streams x %d events: %llu completed, %llu events missing, %llu stalled, %llu failed "
                 "(connect %llu, http %llu, broken %llu, timed out %llu); ttfb p50 %.1f ms p99 %.1f ms max %.1f ms; "
                 "worst gap %.0f ms; peak open %zu; %.1f s\n",
                 a_.o.name.c_str(), s_.size(), a_.events, (unsigned long long)completed,
                 (unsigned long long)missing, (unsigned long long)stalled, (unsigned long long)failed,
                 (unsigned long long)connect_errors_, (unsigned long long)http_errors_,
                 (unsigned long long)broken_, (unsigned long long)timed_out_, ttfb.pct_us(50) / 1000,
                 ttfb.pct_us(99) / 1000, ttfb.max_us() / 1000, double(max_gap) / 1e6, peak_open_,
                 double(t_end - t0) / 1e9);
    std::printf("RESULT name=%s streams=%zu events=%d completed=%llu events_missing=%llu stalled=%llu failed=%llu "
                "connect_errors=%llu http_errors=%llu broken=%llu timed_out=%llu ttfb_p50_us=%.0f ttfb_p99_us=%.0f "
                "ttfb_max_us=%.0f max_gap_ms=%.0f peak_open=%zu duration_ms=%.0f client_cpu_us=%lld\n",
                a_.o.name.c_str(), s_.size(), a_.events, (unsigned long long)completed, (unsigned long long)missing,
                (unsigned long long)stalled, (unsigned long long)failed, (unsigned long long)connect_errors_,
                (unsigned long long)http_errors_, (unsigned long long)broken_, (unsigned long long)timed_out_,
                ttfb.pct_us(50), ttfb.pct_us(99), ttfb.max_us(), double(max_gap) / 1e6, peak_open_,
                double(last_end - t0) / 1e6, (long long)self_cpu_us());
    std::fflush(stdout);
  }

  std::vector<Stream> s_;
  std::string req_;
  size_t open_ = 0, peak_open_ = 0, finished_ = 0;
  uint64_t connect_errors_ = 0, http_errors_ = 0, broken_ = 0, timed_out_ = 0;
};

// ---- idle connections + probes ----------------------------------------------------------------

class Idle : Client {
 public:
  explicit Idle(const Args& a) : Client(a), c_(size_t(a.idle)) {
    const std::string host = a.o.host + ":" + std::to_string(a.o.port);
    health_req_ = "GET /health HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: llmgw-bench/1\r\n\r\n";
    Options o = a.o;
    o.path = a.chat_path;
    o.stream = false;
    chat_req_ = make_request(o, make_body(false, o.model));
  }

  int run() {
    const int64_t t0 = now_ns();
    const size_t n = c_.size();
    const int64_t ramp_ns = int64_t(a_.ramp_ms * 1e6);
    const int64_t open_deadline = t0 + ramp_ns + int64_t(a_.open_timeout_s * 1e9);
    size_t next = 0;
    // 1. the idle set
    while (!g_stop) {
      int64_t now = now_ns();
      while (next < n && t0 + (n > 1 ? ramp_ns * int64_t(next) / int64_t(n - 1) : 0) <= now) open(next++, now);
      if (next == n && settled_ == n) break;
      if (now >= open_deadline) break;
      poll(next < n ? 1 : 20);
    }
    const int64_t t_open = now_ns();
    for (size_t i = 0; i < n; ++i)  // never answered: failed, closed
      if (c_[i].st != St::Idle && c_[i].st != St::Closed) {
        ++idle_failed_;
        if (c_[i].fd >= 0) drop(c_[i].fd);
        c_[i].st = St::Closed;
      }
    std::printf("IDLE_OPEN idle_ok=%llu idle_failed=%llu open_ms=%.0f\n", (unsigned long long)idle_ok_,
                (unsigned long long)idle_failed_, double(t_open - t0) / 1e6);
    std::fflush(stdout);
    // 2. settle, then the probes, alternating /health and chat, one at a time
    int64_t until = t_open + int64_t(a_.settle_ms * 1e6);
    while (!g_stop && now_ns() < until) poll(20);
    for (int k = 0; k < 2 * a_.probes && !g_stop; ++k) {
      probe(k % 2 == 0);
      until = now_ns() + int64_t(a_.probe_gap_ms * 1e6);
      while (!g_stop && now_ns() < until) poll(5);
    }
    report(t_open - t0);
    return 0;
  }

 private:
  enum class St { Connecting, Reading, Idle, Closed };
  struct Conn {
    int fd = -1;
    St st = St::Connecting;
    size_t wr_off = 0;
    ResponseReader rd;
  };
  static constexpr uint32_t kProbeId = 0xfffffffeu;

  void poll(int ms) {
    epoll_event evs[512];
    int k = epoll_wait(ep_, evs, 512, ms);
    if (k < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < k; ++i) {
      if (evs[i].data.u32 == kProbeId) on_probe(evs[i].events);
      else on_idle(evs[i].data.u32, evs[i].events);
    }
  }

  void open(size_t i, int64_t) {
    Conn& c = c_[i];
    c.fd = start_connect(addr_);
    if (c.fd < 0) {
      warn_once("connect", errno);
      fail(i);
      return;
    }
    watch(c.fd, uint32_t(i), EPOLLOUT | EPOLLIN | EPOLLRDHUP);
  }

  void fail(size_t i) {
    Conn& c = c_[i];
    drop(c.fd);
    if (c.st == St::Idle) ++idle_closed_;
    else { ++idle_failed_; ++settled_; }
    c.st = St::Closed;
  }

  void on_idle(uint32_t i, uint32_t events) {
    Conn& c = c_[i];
    if (c.st == St::Connecting) {
      if ((events & (EPOLLERR | EPOLLHUP)) || ((events & EPOLLOUT) && socket_error(c.fd))) return fail(i);
      if (!(events & EPOLLOUT)) return;
      if (!send_some(c.fd, health_req_, c.wr_off)) return fail(i);
      if (c.wr_off < health_req_.size()) return;
      c.st = St::Reading;
      watch(c.fd, i, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_MOD);
      return;
    }
    char buf[4096];
    ssize_t r = read(c.fd, buf, sizeof buf);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (r <= 0 || c.st == St::Idle) return fail(i);  // closed, or bytes nobody asked for
    int st = c.rd.feed(buf, size_t(r), [](const char*, size_t) {});
    if (st < 0 || (c.rd.have_head && c.rd.status != 200) || (st == 1 && c.rd.hi.conn_close)) return fail(i);
    if (st == 1) {
      c.st = St::Idle;
      c.rd = ResponseReader{};
      ++idle_ok_;
      ++settled_;
    }
  }

  // One probe on a new connection: connect, request, whole answer; sample or timeout.
  void probe(bool health) {
    const std::string& req = health ? health_req_ : chat_req_;
    (health ? health_n_ : chat_n_)++;
    probe_ = Conn{};
    probe_done_ = 0;
    const int64_t t_start = now_ns();
    probe_.fd = start_connect(addr_);
    if (probe_.fd < 0) {
      warn_once("probe connect", errno);
      return;
    }
    probe_req_ = &req;
    watch(probe_.fd, kProbeId, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
    const int64_t deadline = t_start + int64_t(a_.probe_timeout_ms * 1e6);
    while (!g_stop && probe_done_ == 0 && now_ns() < deadline) poll(1);
    const int64_t t_end = now_ns();
    drop(probe_.fd);
    if (probe_done_ == 1) {
      (health ? health_ok_ : chat_ok_)++;
      (health ? health_lat_ : chat_lat_).add(t_end - t_start);
    } else if (probe_done_ == 0) {
      (health ? health_timeouts_ : chat_timeouts_)++;
    }
  }

  void on_probe(uint32_t events) {
    Conn& c = probe_;
    if (probe_done_ != 0) return;
    if (c.st == St::Connecting) {
      if ((events & (EPOLLERR | EPOLLHUP)) || ((events & EPOLLOUT) && socket_error(c.fd))) { probe_done_ = -1; return; }
      if (!(events & EPOLLOUT)) return;
      if (!send_some(c.fd, *probe_req_, c.wr_off)) { probe_done_ = -1; return; }
      if (c.wr_off < probe_req_->size()) return;
      c.st = St::Reading;
      watch(c.fd, kProbeId, EPOLLIN | EPOLLRDHUP, EPOLL_CTL_MOD);
      return;
    }
    char buf[65536];
    for (;;) {
      ssize_t r = read(c.fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0 && errno == EAGAIN) return;
      if (r <= 0) { probe_done_ = (r == 0 && c.rd.complete_at_eof() && c.rd.status == 200) ? 1 : -1; return; }
      int st = c.rd.feed(buf, size_t(r), [](const char*, size_t) {});
      if (st < 0) { probe_done_ = -1; return; }
      if (st == 1) { probe_done_ = c.rd.status == 200 ? 1 : -1; return; }
    }
  }

  void report(int64_t open_ns) {
    health_lat_.finish();
    chat_lat_.finish();
    std::fprintf(stderr,
                 "%s: %zu idle: %llu open, %llu failed, %llu closed by the server; /health %llu/%llu ok "
                 "(%llu timeouts) p50 %.2f ms max %.2f ms; chat %llu/%llu ok (%llu timeouts) p50 %.2f ms max %.2f ms\n",
                 a_.o.name.c_str(), c_.size(), (unsigned long long)idle_ok_, (unsigned long long)idle_failed_,
                 (unsigned long long)idle_closed_, (unsigned long long)health_ok_, (unsigned long long)health_n_,
                 (unsigned long long)health_timeouts_, health_lat_.pct_us(50) / 1000, health_lat_.max_us() / 1000,
                 (unsigned long long)chat_ok_, (unsigned long long)chat_n_, (unsigned long long)chat_timeouts_,
                 chat_lat_.pct_us(50) / 1000, chat_lat_.max_us() / 1000);
    std::printf("RESULT name=%s idle=%zu idle_ok=%llu idle_failed=%llu idle_closed=%llu open_ms=%.0f "
                "health_n=%llu health_ok=%llu health_timeouts=%llu health_p50_us=%.0f health_max_us=%.0f "
                "chat_n=%llu chat_ok=%llu chat_timeouts=%llu chat_p50_us=%.0f chat_max_us=%.0f client_cpu_us=%lld\n",
                a_.o.name.c_str(), c_.size(), (unsigned long long)idle_ok_, (unsigned long long)idle_failed_,
                (unsigned long long)idle_closed_, double(open_ns) / 1e6, (unsigned long long)health_n_,
                (unsigned long long)health_ok_, (unsigned long long)health_timeouts_, health_lat_.pct_us(50),
                health_lat_.max_us(), (unsigned long long)chat_n_, (unsigned long long)chat_ok_,
                (unsigned long long)chat_timeouts_, chat_lat_.pct_us(50), chat_lat_.max_us(),
                (long long)self_cpu_us());
    std::fflush(stdout);
  }

  std::vector<Conn> c_;
  std::string health_req_, chat_req_;
  Conn probe_;
  const std::string* probe_req_ = nullptr;
  int probe_done_ = 0;  // 0 running, 1 answered 200, -1 failed
  size_t settled_ = 0;
  uint64_t idle_ok_ = 0, idle_failed_ = 0, idle_closed_ = 0;
  uint64_t health_n_ = 0, health_ok_ = 0, health_timeouts_ = 0, chat_n_ = 0, chat_ok_ = 0, chat_timeouts_ = 0;
  Samples health_lat_, chat_lat_;
};

}  // namespace

int main(int argc, char** argv) {
  Args a = parse(argc, argv);
  raise_fd_limit();
  struct sigaction sa{};
  sa.sa_handler = on_signal;  // no SA_RESTART: epoll_wait returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (a.streams > 0) return Streams(a).run();
  return Idle(a).run();
}

// bench_loadgen: single-threaded epoll HTTP/1.1 load generator for llmgw benchmarks.
//
//   bench_loadgen --url http://127.0.0.1:PORT/v1/chat/completions [--conns 64]
//                 [--rate R (open loop) | closed loop when absent] [--duration 5]
//                 [--warmup 1] [--stream] [--name NAME] [--header "K: V"]... [--timeout-ms 5000]
//                 [--body openai|openai-2k|anthropic | --anthropic | --body-file PATH] [--model NAME]
//                 [--done-marker STR] [--print-body (prints the body and exits)]
//   bench_loadgen --pick-port      prints a free loopback TCP port and exits
//
// The client dialect follows the URL: a path ending in /messages is an Anthropic client
// (default body: the ~2 KB Messages conversation; x-api-key + anthropic-version headers; a
// stream ends with "event: message_stop"), anything else an OpenAI client (default body: ~1 KB
// chat request; Authorization: Bearer; a stream ends with "[DONE]"). --body openai-2k sends the
// same ~2 KB conversation as a Chat Completions request. --model sets the model of the built-in
// bodies (default "bench"); a --body-file is sent as is (its own "stream" flag counts).
//
// Open loop: request i is due at start + i/R. It is sent on the first free
// connection at or after that time and its latency runs from the INTENDED time,
// so queueing behind a slow server counts (coordinated-omission safe).
// Closed loop: every connection sends its next request as soon as the last ends.
// Streaming: also time to first body byte (ttfb) and to the first text delta (ttft: an OpenAI delta
// with a non-empty "content", or an Anthropic text_delta); a stream without its end marker is an error.
// Output: a human summary on stderr and one "RESULT key=value ..." line on stdout.
//
// Failover runs (tests/bench/failover.sh): --phase LABEL:SECS[:MODE] (repeatable) splits the
// measured window into phases (their sum is the duration); with --control-port P the loadgen
// sends "mode MODE\n" to a bench_mock_upstream control channel on 127.0.0.1:P as each phase
// starts. Every request is attributed to the phase (and the second) of its intended start and
// the response's x-llmgw-deployment / x-llmgw-attempts headers are kept. A request "touched" the
// failing deployment (--watch-deployment ID) when ID answered it or it took more than one
// attempt (the other deployment is healthy, so a retry means ID failed first). Extra lines:
//   SECOND t=K phase=L requests= errors= touched= by_watch= p99_us=
//   PHASE label= mode= start_s= secs= requests= ok= errors= p50_us= p99_us= max_us= touched=
//         retried= by_watch= moved_ms= probes= back_ms=
// moved_ms: from the phase start to the last touch of the first wave (touches until a pause of
// --moved-gap-ms, 500); probes: touches after it (half-open probes); back_ms: first answer by ID
// (-1: none). All -1 when nothing touched ID.
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "http_parse.hpp"
#include "loadgen_util.hpp"
#include "net_util.hpp"

namespace {

using namespace bench;

enum class Phase { Idle, Head, BodyLen, BodyChunked, BodyClose };

struct Conn {
  int fd = -1;
  bool connected = false;
  int64_t retry_at = 0;  // reconnect time after a failed connect
  Phase phase = Phase::Idle;
  int64_t t_start = 0, t_send = 0, t_first = 0;
  int64_t t_text = 0;     // the first text delta (time to first token)
  std::string text_scan;  // the body bytes not yet searched for a text delta
  size_t wr_off = 0;
  std::string head;
  HeadInfo hi;
  int status = 0;
  uint64_t remaining = 0;
  ChunkedDecoder dec;
  std::string tail;  // last body bytes, to spot the end marker across reads
  bool saw_done = false;
  bool by_watch = false;  // x-llmgw-deployment == --watch-deployment
  int attempts = 0;       // x-llmgw-attempts (0: absent)
};

// One request of a tracked run (failover phases).
struct Rec {
  int64_t t_start;
  int64_t lat;  // -1: no answer (broken connection, timeout, unsent)
  bool ok;
  bool by_watch;
  int attempts;
};

class Loadgen {
 public:
  explicit Loadgen(const Options& o)
      : o_(o), body_(make_body(o)), req_(make_request(o, body_)), marker_(done_marker(o)), conns_(size_t(o.conns)) {
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ep_ < 0 || tfd_ < 0) die("epoll/timerfd");
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u32 = kTimerId;
    epoll_ctl(ep_, EPOLL_CTL_ADD, tfd_, &e);
    addr_ = loopback_addr(o.port);
    inet_pton(AF_INET, o.host.c_str(), &addr_.sin_addr);
    if (o.rate > 0) lat_.reserve(size_t(o.rate * (o.duration_s + 1)));
    if (o.track() && o.rate > 0) recs_.reserve(size_t(o.rate * (o.duration_s + 1)));
    if (o.control_port > 0) {
      ctl_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a = loopback_addr(uint16_t(o.control_port));
      if (ctl_ < 0 || connect(ctl_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect (control port)");
      set_nodelay(ctl_);
    }
  }

  int run() {
    for (size_t i = 0; i < conns_.size(); ++i) open_conn(i);
    int64_t deadline = now_ns() + 5000000000LL;  // all connections up before we start
    while (idle_.size() < conns_.size()) {
      if (now_ns() > deadline) { std::fprintf(stderr, "loadgen: could not connect\n"); return 2; }
      poll_once(100);
      sweep(now_ns());
    }
    t0_ = now_ns();
    m_start_ = t0_ + int64_t(o_.warmup_s * 1e9);
    m_end_ = m_start_ + int64_t(o_.duration_s * 1e9);
    interval_ns_ = o_.rate > 0 ? 1e9 / o_.rate : 0;
    double at = 0;
    for (const auto& ph : o_.phases) {
      phase_at_.push_back(m_start_ + int64_t(at * 1e9));
      at += ph.secs;
    }
    const int64_t drain_end = m_end_ + int64_t(o_.timeout_ms) * 1000000LL;
    int64_t last_sweep = t0_;
    for (;;) {
      int64_t now = now_ns();
      switch_phases(now);
      issue(now);
      if (now >= m_end_ && busy_ == 0 && !backlog(now)) break;
      if (now >= drain_end) break;
      if (now - last_sweep > 50000000LL) { sweep(now); last_sweep = now; }
      arm_next(now);
      poll_once(20);
    }
    for (auto& c : conns_)  // still in flight at the drain deadline: timeouts
      if (c.phase != Phase::Idle && c.t_start >= m_start_) {
        ++errors_, ++timeouts_;
        note(c, -1, false);
      }
    if (o_.rate > 0) {  // due in the window but never sent
      while (intended(next_) < m_end_) {
        if (intended(next_) >= m_start_) {
          ++errors_, ++unsent_;
          if (o_.track()) recs_.push_back(Rec{intended(next_), -1, false, false, 0});
        }
        ++next_;
      }
    }
    report();
    if (o_.track()) report_phases();
    return 0;
  }

 private:
  static constexpr uint32_t kTimerId = 0xffffffffu;

  int64_t intended(uint64_t i) const { return t0_ + int64_t(double(i) * interval_ns_); }
  bool backlog(int64_t now) const { return o_.rate > 0 && intended(next_) <= now && intended(next_) < m_end_; }

  void issue(int64_t now) {
    while (!idle_.empty()) {
      int64_t t;
      if (o_.rate > 0) {
        t = intended(next_);
        if (t > now || t >= m_end_) return;
        ++next_;
      } else {
        if (now >= m_end_) return;
        t = now;
      }
      size_t i = idle_.front();
      idle_.pop_front();
      send_req(i, t, now);
    }
  }

  // Sends the mode of every phase that has started to the mock's control channel.
  void switch_phases(int64_t now) {
    while (phase_next_ < phase_at_.size() && now >= phase_at_[phase_next_]) {
      const auto& ph = o_.phases[phase_next_++];
      if (ctl_ < 0 || ph.mode.empty()) continue;
      std::string line = "mode " + ph.mode + "\n";
      if (send(ctl_, line.data(), line.size(), MSG_NOSIGNAL) != ssize_t(line.size())) die("control port");
    }
  }

  // Keeps one request of a tracked run; lat_end < 0: it got no answer.
  void note(const Conn& c, int64_t end, bool ok) {
    if (!o_.track() || c.t_start < m_start_ || c.t_start >= m_end_) return;
    recs_.push_back(Rec{c.t_start, end < 0 ? -1 : end - c.t_start, ok, c.by_watch, c.attempts});
  }

  void arm_next(int64_t now) {
    int64_t want = 0;
    if (o_.rate > 0 && !idle_.empty()) {
      int64_t t = intended(next_);
      if (t > now && t < m_end_) want = t;
    }
    if (phase_next_ < phase_at_.size() && phase_at_[phase_next_] > now &&
        (want == 0 || phase_at_[phase_next_] < want))
      want = phase_at_[phase_next_];
    if (want != armed_) { arm_timer_abs(tfd_, want); armed_ = want; }
  }

  void poll_once(int timeout_ms) {
    epoll_event evs[256];
    int n = epoll_wait(ep_, evs, 256, timeout_ms);
    for (int k = 0; k < n; ++k) {
      uint32_t id = evs[k].data.u32;
      if (id == kTimerId) {
        uint64_t ticks;
        while (read(tfd_, &ticks, sizeof ticks) > 0) {
        }
        armed_ = 0;
        continue;
      }
      on_event(id, evs[k].events);
      if (o_.rate == 0) issue(now_ns());  // closed loop: resend at once
    }
    if (o_.rate > 0 && n > 0) issue(now_ns());
  }

  void open_conn(size_t i) {
    Conn& c = conns_[i];
    c = Conn{};
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) die("socket");
    set_nodelay(c.fd);
    int r = connect(c.fd, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_);
    if (r != 0 && errno != EINPROGRESS) { connect_failed(i); return; }
    epoll_event e{};
    e.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP;
    e.data.u32 = uint32_t(i);
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &e);
  }

  void connect_failed(size_t i) {
    Conn& c = conns_[i];
    if (c.fd >= 0) { epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr); close(c.fd); }
    c.fd = -1;
    c.retry_at = now_ns() + 100000000LL;
  }

  void drop_conn(size_t i, bool failed_request) {
    Conn& c = conns_[i];
    if (c.phase != Phase::Idle) {
      --busy_;
      if (failed_request && c.t_start >= m_start_ && c.t_start < m_end_) ++errors_;
      if (failed_request) note(c, -1, false);
    } else if (c.connected) {
      for (auto it = idle_.begin(); it != idle_.end(); ++it)
        if (*it == i) { idle_.erase(it); break; }
    }
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    ++reconnects_;
    open_conn(i);
  }

  // Timeouts and reconnect retries.
  void sweep(int64_t now) {
    for (size_t i = 0; i < conns_.size(); ++i) {
      Conn& c = conns_[i];
      if (c.fd < 0 && c.retry_at <= now) open_conn(i);
      else if (c.phase != Phase::Idle && now - c.t_send > int64_t(o_.timeout_ms) * 1000000LL) {
        if (c.t_start >= m_start_) ++timeouts_;
        drop_conn(i, true);
      }
    }
  }

  void send_req(size_t i, int64_t t_start, int64_t now) {
    Conn& c = conns_[i];
    c.phase = Phase::Head;
    c.t_start = t_start;
    c.t_send = now;
    c.t_first = 0;
    c.t_text = 0;
    c.text_scan.clear();
    c.head.clear();
    c.tail.clear();
    c.saw_done = false;
    c.by_watch = false;
    c.attempts = 0;
    c.wr_off = 0;
    ++busy_;
    write_more(i);
  }

  void write_more(size_t i) {
    Conn& c = conns_[i];
    while (c.wr_off < req_.size()) {
      ssize_t w = send(c.fd, req_.data() + c.wr_off, req_.size() - c.wr_off, MSG_NOSIGNAL);
      if (w > 0) { c.wr_off += size_t(w); continue; }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EAGAIN) {
        epoll_event e{};
        e.events = EPOLLIN | EPOLLRDHUP | EPOLLOUT;
        e.data.u32 = uint32_t(i);
        epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &e);
        return;
      }
      return drop_conn(i, true);
    }
  }

  void on_event(size_t i, uint32_t events) {
    Conn& c = conns_[i];
    if (c.fd < 0) return;
    if (!c.connected) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) return connect_failed(i);
      if (!(events & EPOLLOUT)) return;
      c.connected = true;
      epoll_event e{};
      e.events = EPOLLIN | EPOLLRDHUP;
      e.data.u32 = uint32_t(i);
      epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &e);
      idle_.push_back(i);
      return;
    }
    if ((events & EPOLLOUT) && c.phase != Phase::Idle && c.wr_off < req_.size()) {
      write_more(i);
      if (!c.connected || c.phase == Phase::Idle) return;  // dropped and reconnecting
      if (c.wr_off == req_.size()) {
        epoll_event e{};
        e.events = EPOLLIN | EPOLLRDHUP;
        e.data.u32 = uint32_t(i);
        epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &e);
      }
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))) return;
    char buf[65536];
    ssize_t r = read(c.fd, buf, sizeof buf);
    if (r > 0) return on_data(i, buf, size_t(r), now_ns());
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (c.phase == Phase::BodyClose) return complete(i, now_ns(), true);
    drop_conn(i, true);  // EOF or error: fails an in-flight request, reconnects an idle one
  }

  /// Time to first token: the first OpenAI delta with a non-empty "content" or Anthropic text_delta.
  static void note_text(Conn& c, const char* p, size_t n, int64_t now) {
    c.text_scan.append(p, n);
    for (std::string_view key : {std::string_view(R"("content":")"), std::string_view(R"("text_delta","text":")")}) {
      for (size_t at = c.text_scan.find(key); at != std::string::npos; at = c.text_scan.find(key, at + 1)) {
        const size_t v = at + key.size();
        if (v < c.text_scan.size() && c.text_scan[v] != '"') {
          c.t_text = now;
          c.text_scan.clear();
          return;
        }
      }
    }
    if (c.text_scan.size() > 64) c.text_scan.erase(0, c.text_scan.size() - 64);
  }

  void on_body(Conn& c, const char* p, size_t n, int64_t now) {
    if (n == 0) return;
    if (c.t_first == 0) c.t_first = now;
    if (o_.stream && c.t_text == 0) note_text(c, p, n, now);
    if (o_.stream && !c.saw_done) {
      c.tail.append(p, n);
      if (c.tail.find(marker_) != std::string::npos) c.saw_done = true;
      else if (c.tail.size() > 4 * marker_.size() + 64) c.tail.erase(0, c.tail.size() - marker_.size());
    }
  }

  void on_data(size_t i, const char* p, size_t n, int64_t now) {
    Conn& c = conns_[i];
    if (c.phase == Phase::Idle) return drop_conn(i, false);  // unsolicited bytes
    while (n > 0) {
      if (c.phase == Phase::Head) {
        size_t old = c.head.size();
        c.head.append(p, n);
        size_t hend = find_header_end(c.head.data(), c.head.size());
        if (hend == 0) {
          if (c.head.size() > 65536) return drop_conn(i, true);
          return;
        }
        size_t used = hend - old;
        p += used;
        n -= used;
        if (!parse_head(c.head.data(), hend, c.hi)) return drop_conn(i, true);
        c.status = status_code(c.hi.first_line);
        if (o_.track()) {
          std::string_view dep = header_value(c.head.data(), hend, "x-llmgw-deployment");
          c.by_watch = !o_.watch.empty() && dep == o_.watch;
          std::string_view att = header_value(c.head.data(), hend, "x-llmgw-attempts");
          uint64_t a = 0;
          c.attempts = parse_u64(att, a) ? int(a) : 0;
        }
        c.head.clear();
        if (c.status >= 100 && c.status < 200) continue;  // 100 Continue: next head follows
        if (c.status == 204 || c.status == 304) return complete(i, now, n == 0);
        if (c.hi.chunked) { c.phase = Phase::BodyChunked; c.dec.reset(); }
        else if (c.hi.has_length) {
          c.phase = Phase::BodyLen;
          c.remaining = c.hi.content_length;
          if (c.remaining == 0) return complete(i, now, n == 0);
        } else { c.phase = Phase::BodyClose; c.hi.conn_close = true; }
      } else if (c.phase == Phase::BodyLen) {
        size_t take = n < c.remaining ? n : size_t(c.remaining);
        on_body(c, p, take, now);
        p += take;
        n -= take;
        c.remaining -= take;
        if (c.remaining == 0) return complete(i, now, n == 0);
      } else if (c.phase == Phase::BodyChunked) {
        size_t used = c.dec.feed(p, n, [&](const char* q, size_t m) { on_body(c, q, m, now); });
        p += used;
        n -= used;
        if (c.dec.error()) return drop_conn(i, true);
        if (c.dec.done()) return complete(i, now, n == 0);
      } else {  // BodyClose: everything until EOF
        on_body(c, p, n, now);
        return;
      }
    }
  }

  // Records one finished response; clean == no stray bytes after it.
  void complete(size_t i, int64_t now, bool clean) {
    Conn& c = conns_[i];
    bool ok = c.status >= 200 && c.status < 300 && (!o_.stream || c.saw_done);
    bool in_window = c.t_start >= m_start_ && c.t_start < m_end_;
    note(c, now, ok);
    if (in_window) {
      if (ok) {
        ++ok_;
        lat_.add(now - c.t_start);
        if (o_.stream) ttfb_.add((c.t_first ? c.t_first : now) - c.t_start);
        if (o_.stream) ttft_.add((c.t_text ? c.t_text : now) - c.t_start);
      } else {
        ++errors_;
        if (c.status < 200 || c.status >= 300) ++bad_status_;
      }
    }
    if (now >= m_start_ && now < m_end_ && ok) ++done_in_window_;
    last_done_ = now;
    ++total_done_;
    c.phase = Phase::Idle;
    --busy_;
    if (!clean || c.hi.conn_close) return drop_conn(i, false);
    idle_.push_back(i);
  }

  void report() {
    lat_.finish();
    ttfb_.finish();
    ttft_.finish();
    double secs;
    if (o_.rate > 0) {
      int64_t end = last_done_ > m_end_ ? last_done_ : m_end_;
      secs = double(end - m_start_) / 1e9;
    } else {
      secs = double(m_end_ - m_start_) / 1e9;
    }
    double rps = o_.rate > 0 ? double(ok_) / secs : double(done_in_window_) / secs;
    std::fprintf(stderr,
                 "%s: %s%s conns=%d ok=%llu errors=%llu (status=%llu timeouts=%llu unsent=%llu) "
                 "rps=%.0f p50=%.0fus p90=%.0fus p99=%.0fus max=%.0fus",
                 o_.name.c_str(), o_.rate > 0 ? "open" : "closed", o_.stream ? " stream" : "", o_.conns,
                 (unsigned long long)ok_, (unsigned long long)errors_, (unsigned long long)bad_status_,
                 (unsigned long long)timeouts_, (unsigned long long)unsent_, rps, lat_.pct_us(50),
                 lat_.pct_us(90), lat_.pct_us(99), lat_.max_us());
    if (o_.stream)
      std::fprintf(stderr, " ttfb_p50=%.0fus ttfb_p99=%.0fus ttft_p50=%.0fus", ttfb_.pct_us(50), ttfb_.pct_us(99),
                   ttft_.pct_us(50));
    std::fprintf(stderr, "\n");
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    long long self_us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
                        ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    std::printf("RESULT name=%s mode=%s stream=%d conns=%d rate=%.0f duration_s=%.1f ok=%llu errors=%llu "
                "timeouts=%llu unsent=%llu reconnects=%llu rps=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
                "p999_us=%.1f max_us=%.1f mean_us=%.1f ttfb_p50_us=%.1f ttfb_p99_us=%.1f total_done=%llu "
                "loadgen_cpu_us=%lld req_body_bytes=%zu ttft_p50_us=%.1f ttft_p99_us=%.1f\n",
                o_.name.c_str(), o_.rate > 0 ? "open" : "closed", o_.stream ? 1 : 0, o_.conns, o_.rate,
                o_.duration_s, (unsigned long long)ok_, (unsigned long long)errors_,
                (unsigned long long)timeouts_, (unsigned long long)unsent_,
                (unsigned long long)(reconnects_), rps, lat_.pct_us(50), lat_.pct_us(90), lat_.pct_us(99),
                lat_.pct_us(99.9), lat_.max_us(), lat_.mean_us(), ttfb_.pct_us(50), ttfb_.pct_us(99),
                (unsigned long long)total_done_, self_us, body_.size(), ttft_.pct_us(50), ttft_.pct_us(99));
    std::fflush(stdout);
  }

  // Per-second and per-phase figures of a tracked run (see the header comment).
  void report_phases() {
    std::sort(recs_.begin(), recs_.end(), [](const Rec& a, const Rec& b) { return a.t_start < b.t_start; });
    auto touched = [&](const Rec& r) { return r.by_watch || r.attempts > 1; };
    auto phase_of = [&](int64_t t) {
      size_t k = 0;
      while (k + 1 < phase_at_.size() && t >= phase_at_[k + 1]) ++k;
      return k;
    };
    const size_t nsec = size_t((m_end_ - m_start_ + 999999999LL) / 1000000000LL);
    for (size_t sec = 0; sec < nsec; ++sec) {
      int64_t lo = m_start_ + int64_t(sec) * 1000000000LL, hi = lo + 1000000000LL;
      uint64_t n = 0, err = 0, tch = 0, bw = 0;
      Samples lat;
      for (const Rec& r : recs_) {
        if (r.t_start < lo || r.t_start >= hi) continue;
        ++n;
        if (!r.ok) ++err;
        if (touched(r)) ++tch;
        if (r.by_watch) ++bw;
        if (r.lat >= 0) lat.add(r.lat);
      }
      lat.finish();
      std::printf("SECOND t=%zu phase=%s requests=%llu errors=%llu touched=%llu by_watch=%llu p99_us=%.0f\n", sec,
                  phase_at_.empty() ? "all" : o_.phases[phase_of(lo)].label.c_str(), (unsigned long long)n,
                  (unsigned long long)err, (unsigned long long)tch, (unsigned long long)bw, lat.pct_us(99));
    }
    std::vector<PhaseSpec> phases = o_.phases;
    std::vector<int64_t> at = phase_at_;
    if (phases.empty()) { phases.push_back(PhaseSpec{"all", o_.duration_s, ""}); at.push_back(m_start_); }
    for (size_t k = 0; k < phases.size(); ++k) {
      int64_t lo = at[k], hi = k + 1 < at.size() ? at[k + 1] : m_end_;
      uint64_t n = 0, ok = 0, tch = 0, retried = 0, bw = 0, probes = 0;
      Samples lat;
      std::vector<int64_t> touches;
      int64_t back = -1;
      for (const Rec& r : recs_) {
        if (r.t_start < lo || r.t_start >= hi) continue;
        ++n;
        if (r.ok) ++ok;
        if (r.lat >= 0) lat.add(r.lat);
        if (r.attempts > 1) ++retried;
        if (r.by_watch) { ++bw; if (back < 0) back = r.t_start - lo; }
        if (touched(r)) { ++tch; touches.push_back(r.t_start); }
      }
      lat.finish();
      double moved_ms = -1;
      if (!touches.empty()) {
        size_t e = 0;
        while (e + 1 < touches.size() && touches[e + 1] - touches[e] <= int64_t(o_.gap_ms * 1e6)) ++e;
        moved_ms = double(touches[e] - lo) / 1e6;
        probes = touches.size() - e - 1;
      }
      std::printf("PHASE label=%s mode=%s start_s=%.1f secs=%.1f requests=%llu ok=%llu errors=%llu p50_us=%.0f "
                  "p99_us=%.0f max_us=%.0f touched=%llu retried=%llu by_watch=%llu moved_ms=%.1f probes=%llu "
                  "back_ms=%.1f\n",
                  phases[k].label.c_str(), phases[k].mode.empty() ? "-" : phases[k].mode.c_str(),
                  double(lo - m_start_) / 1e9, double(hi - lo) / 1e9, (unsigned long long)n, (unsigned long long)ok,
                  (unsigned long long)(n - ok), lat.pct_us(50), lat.pct_us(99), lat.max_us(), (unsigned long long)tch,
                  (unsigned long long)retried, (unsigned long long)bw, moved_ms, (unsigned long long)probes,
                  back < 0 ? -1.0 : double(back) / 1e6);
    }
    std::fflush(stdout);
  }

  Options o_;
  std::string body_, req_, marker_;
  std::vector<Conn> conns_;
  std::deque<size_t> idle_;
  sockaddr_in addr_{};
  int ep_ = -1, tfd_ = -1;
  int64_t t0_ = 0, m_start_ = 0, m_end_ = 0, armed_ = 0, last_done_ = 0;
  double interval_ns_ = 0;
  uint64_t next_ = 0;
  size_t busy_ = 0;
  uint64_t ok_ = 0, errors_ = 0, bad_status_ = 0, timeouts_ = 0, unsent_ = 0, reconnects_ = 0;
  uint64_t done_in_window_ = 0, total_done_ = 0;  // total_done_: incl. warmup
  Samples lat_, ttfb_, ttft_;
  int ctl_ = -1;                   // --control-port connection
  std::vector<int64_t> phase_at_;  // start of each --phase
  size_t phase_next_ = 0;
  std::vector<Rec> recs_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) return pick_port();
  if (o.print_body) {
    std::string b = make_body(o);
    std::fwrite(b.data(), 1, b.size(), stdout);
    return 0;
  }
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // sub-50 µs timer precision for open-loop pacing
  Loadgen lg(o);
  return lg.run();
}

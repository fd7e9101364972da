// bench_mock_upstream: single-threaded epoll HTTP/1.1 keep-alive mock of the
// OpenAI Chat Completions API and the Anthropic Messages API, for benchmarks.
//
//   bench_mock_upstream PORT [--chunk-delay-us N] [--stream-events N] [--control-port N]
//                                                                          (PORT 0 = pick one)
//
// POST /v1/chat/completions or /chat/completions: a fixed chat.completion JSON,
// or, when the body has "stream":true, a chunked text/event-stream of
// chat.completion.chunk events + a usage chunk + "data: [DONE]".
// POST /v1/messages or /messages: a fixed Anthropic "message" JSON (usage with the cache
// fields), or with "stream":true Anthropic's SSE sequence (message_start, content_block_start,
// ping, 8 content_block_delta text_delta, content_block_stop, message_delta, message_stop), one
// chunk per event. POST /v1/messages/count_tokens: {"input_tokens":N}.
// The translating providers (run-providers.sh), whole answers only (provider_payloads.hpp):
// POST /v1beta/models/{m}:generateContent (Gemini), /model/{id}/converse (Bedrock), /v2/chat
// (Cohere), /api/chat (Ollama).
// All events are written at once unless --chunk-delay-us is given (then one event every N µs).
// --stream-events N (>= 4): a Chat Completions stream is exactly N events, "data: [DONE]" the
// last (role chunk, N - 4 content chunks, finish chunk, usage chunk, [DONE]); with
// --chunk-delay-us D the stream takes (N - 1) * D. GET /health -> 200.
// A Chat Completions request whose body holds bench:split-email gets a stream whose first two
// content deltas cut an e-mail address ("Sure! Write to jane.roe@exam" + "ple.org or call");
// bench:split-email-first, one that starts with it ("jane.roe@exam" + "ple.org wrote: …"):
// guard-p50.sh's time to first token while a guardrail holds a tail back.
// Holds as many connections as its fd limit allows (raise `ulimit -n` for thousands).
// Request headers are not checked (any key, any anthropic-version).
// Prints "listening on PORT" on stdout once ready; request counts on stderr at exit.
//
// --control-port N (0 = pick): a line-based control channel on 127.0.0.1 (printed as "control on
// PORT") that switches the mock's behaviour at run time, for failover benchmarks:
//   mode healthy    answer as above (the start mode)
//   mode error500   answer every API request 500 with the provider's error body (keep-alive)
//   mode refuse     close the listening socket and every connection: connects are refused
//   mode hang       accept and read requests but never answer (nor anything else on that connection)
// Leaving "refuse" listens on the same port again. Each switch prints, on stdout,
//   MODE at_ns=T from=OLD to=NEW requests=N first_ms=F last_ms=L
// with the API requests that arrived while OLD was on and the arrival of the first and last of
// them after the switch to OLD (CLOCK_MONOTONIC, ms; -1 when none); the last mode is printed the
// same way at exit (to=exit).
#include <signal.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "http_parse.hpp"
#include "mock_payloads.hpp"
#include "provider_payloads.hpp"
#include "net_util.hpp"

namespace {

using namespace bench;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct Conn {
  int fd = -1;
  uint32_t gen = 0;
  std::string in;
  size_t in_off = 0;
  std::string out;
  size_t out_off = 0;
  bool epollout = false;
  bool close_after = false;
  bool sent_continue = false;
  int stream_next = -1;  // next part of a delayed stream, -1 = none in progress
  const std::vector<std::string>* stream_parts = nullptr;  // the parts of that stream
  bool hung = false;  // took a request in mode hang: never answers again
};

enum class Mode { Healthy, Error500, Refuse, Hang };

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::Healthy: return "healthy";
    case Mode::Error500: return "error500";
    case Mode::Refuse: return "refuse";
    case Mode::Hang: return "hang";
  }
  return "?";
}

bool parse_mode(std::string_view s, Mode& m) {
  if (s == "healthy") m = Mode::Healthy;
  else if (s == "error500") m = Mode::Error500;
  else if (s == "refuse") m = Mode::Refuse;
  else if (s == "hang") m = Mode::Hang;
  else return false;
  return true;
}

struct ControlConn {
  int fd;
  std::string buf;
};

struct Timer {
  int64_t at;
  int fd;
  uint32_t gen;
  bool operator>(const Timer& o) const { return at > o.at; }
};

class Mock {
 public:
  Mock(int lfd, uint16_t port, int ctl_fd, int64_t chunk_delay_ns, int stream_events)
      : lfd_(lfd), ctl_fd_(ctl_fd), port_(port), delay_ns_(chunk_delay_ns), p_(make_payloads()) {
    if (stream_events > 0) {
      p_.stream_parts = openai_stream_parts(stream_events);
      p_.stream_all.clear();
      for (const auto& s : p_.stream_parts) p_.stream_all += s;
    }
    ep_ = epoll_create1(EPOLL_CLOEXEC);
    tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (ep_ < 0 || tfd_ < 0) die("epoll/timerfd");
    add(lfd_, EPOLLIN);
    add(tfd_, EPOLLIN);
    if (ctl_fd_ >= 0) add(ctl_fd_, EPOLLIN);
    epoch_start_ = now_ns();
  }

  void run() {
    epoll_event evs[256];
    while (!g_stop) {
      int n = epoll_wait(ep_, evs, 256, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int i = 0; i < n; ++i) {
        int fd = evs[i].data.fd;
        if (fd == lfd_) accept_all();
        else if (fd == tfd_) on_timer();
        else if (fd == ctl_fd_) accept_control();
        else if (ControlConn* cc = control(fd)) on_control(*cc, evs[i].events);
        else on_conn(fd, evs[i].events);
      }
    }
    if (ctl_fd_ >= 0) print_epoch("exit");
    std::fprintf(stderr, "mock: served %llu requests (%llu streams, %llu Anthropic), %llu connections\n",
                 (unsigned long long)requests_, (unsigned long long)streams_,
                 (unsigned long long)anthropic_, (unsigned long long)accepted_);
  }

 private:
  void add(int fd, uint32_t ev) {
    epoll_event e{};
    e.events = ev;
    e.data.fd = fd;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &e) != 0) die("epoll_ctl add");
  }
  void mod(int fd, uint32_t ev) {
    epoll_event e{};
    e.events = ev;
    e.data.fd = fd;
    epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &e);
  }

  void accept_all() {
    for (;;) {
      int fd = accept4(lfd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {  // EAGAIN or transient error: wait for the next event
        if ((errno == EMFILE || errno == ENFILE) && !warned_fd_limit_) {
          warned_fd_limit_ = true;
          std::fprintf(stderr, "mock: accept: %s (raise ulimit -n)\n", std::strerror(errno));
        }
        return;
      }
      set_nodelay(fd);
      if (size_t(fd) >= conns_.size()) conns_.resize(size_t(fd) * 2 + 16);
      auto c = std::make_unique<Conn>();
      c->fd = fd;
      c->gen = ++gen_;
      conns_[size_t(fd)] = std::move(c);
      ++accepted_;
      add(fd, EPOLLIN | EPOLLRDHUP);
    }
  }

  // ---- control channel (--control-port) ----------------------------------------------------
  void accept_control() {
    for (;;) {
      int fd = accept4(ctl_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      ctl_conns_.push_back(ControlConn{fd, {}});
      add(fd, EPOLLIN | EPOLLRDHUP);
    }
  }
  ControlConn* control(int fd) {
    for (auto& cc : ctl_conns_)
      if (cc.fd == fd) return &cc;
    return nullptr;
  }
  void on_control(ControlConn& cc, uint32_t events) {
    char buf[1024];
    ssize_t r = read(cc.fd, buf, sizeof buf);
    if (r > 0) {
      cc.buf.append(buf, size_t(r));
      size_t nl;
      while ((nl = cc.buf.find('\n')) != std::string::npos) {
        std::string line = cc.buf.substr(0, nl);
        cc.buf.erase(0, nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        Mode m;
        if (line.rfind("mode ", 0) == 0 && parse_mode(std::string_view(line).substr(5), m)) set_mode(m);
        else if (!line.empty()) std::fprintf(stderr, "mock: unknown control command '%s'\n", line.c_str());
      }
      return;
    }
    if (r < 0 && (errno == EAGAIN || errno == EINTR) && !(events & (EPOLLHUP | EPOLLERR))) return;
    int fd = cc.fd;
    epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    for (auto it = ctl_conns_.begin(); it != ctl_conns_.end(); ++it)
      if (it->fd == fd) { ctl_conns_.erase(it); break; }
  }

  void print_epoch(const char* to) {
    int64_t now = now_ns();
    auto rel = [&](int64_t t) { return t ? double(t - epoch_start_) / 1e6 : -1.0; };
    std::printf("MODE at_ns=%lld from=%s to=%s requests=%llu first_ms=%.1f last_ms=%.1f\n", (long long)now,
                mode_name(mode_), to, (unsigned long long)epoch_requests_, rel(epoch_first_), rel(epoch_last_));
    std::fflush(stdout);
    epoch_start_ = now;
    epoch_requests_ = 0;
    epoch_first_ = epoch_last_ = 0;
  }

  void set_mode(Mode m) {
    print_epoch(mode_name(m));
    if (m == Mode::Refuse && mode_ != Mode::Refuse) {
      // As when the upstream's process died: no listener, every connection gone.
      if (lfd_ >= 0) {
        epoll_ctl(ep_, EPOLL_CTL_DEL, lfd_, nullptr);
        close(lfd_);
        lfd_ = -1;
      }
      for (auto& c : conns_)
        if (c) close_conn(*c);
    } else if (m != Mode::Refuse && mode_ == Mode::Refuse && lfd_ < 0) {
      for (int i = 0; i < 200 && lfd_ < 0; ++i) {  // the port may linger for a moment
        lfd_ = listen_loopback(port_, nullptr);
        if (lfd_ < 0) usleep(10000);
      }
      if (lfd_ < 0) std::fprintf(stderr, "mock: could not listen on port %u again: %s\n", unsigned(port_), std::strerror(errno));
      else add(lfd_, EPOLLIN);
    }
    mode_ = m;
  }

  void arrived() {
    ++requests_;
    ++epoch_requests_;
    epoch_last_ = now_ns();
    if (!epoch_first_) epoch_first_ = epoch_last_;
  }

  void close_conn(Conn& c) {
    int fd = c.fd;
    epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    conns_[size_t(fd)].reset();
  }

  void on_conn(int fd, uint32_t events) {
    if (size_t(fd) >= conns_.size() || !conns_[size_t(fd)]) return;
    Conn& c = *conns_[size_t(fd)];
    if (events & (EPOLLERR | EPOLLHUP)) return close_conn(c);
    if (events & EPOLLOUT) {
      if (!flush(c)) return;  // closed
    }
    if (events & (EPOLLIN | EPOLLRDHUP)) {
      char buf[65536];
      ssize_t r = read(fd, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) return close_conn(c);
      if (r > 0 && c.hung) return;  // a hung connection reads and drops everything
      if (r > 0) {
        c.in.append(buf, size_t(r));
        process(c);
      }
    }
  }

  // Parses and answers every complete request in c.in (pipelining-safe).
  void process(Conn& c) {
    while (c.stream_next < 0 && !c.close_after) {
      const char* data = c.in.data() + c.in_off;
      size_t avail = c.in.size() - c.in_off;
      size_t hend = find_header_end(data, avail);
      if (hend == 0) {
        if (avail > (1u << 20)) return fail(c);
        break;
      }
      HeadInfo h;
      if (!parse_head(data, hend, h)) return fail(c);
      if (mode_ == Mode::Hang && is_api(h.first_line)) {  // taken, never answered
        arrived();
        c.hung = true;
        c.in.clear();
        c.in_off = 0;
        return;
      }
      std::string_view body;
      std::string decoded;
      size_t total;
      if (h.chunked) {
        ChunkedDecoder dec;
        size_t used = dec.feed(data + hend, avail - hend,
                               [&](const char* q, size_t m) { decoded.append(q, m); });
        if (dec.error()) return fail(c);
        if (!dec.done()) { maybe_continue(c, h); break; }
        body = decoded;
        total = hend + used;
      } else {
        if (h.content_length > (64u << 20)) return fail(c);
        if (avail - hend < h.content_length) { maybe_continue(c, h); break; }
        body = std::string_view(data + hend, size_t(h.content_length));
        total = hend + size_t(h.content_length);
      }
      respond(c, h.first_line, body);
      c.in_off += total;
      c.sent_continue = false;
      if (h.conn_close) c.close_after = true;
    }
    if (c.in_off == c.in.size()) {
      c.in.clear();
      c.in_off = 0;
    } else if (c.in_off > 65536) {
      c.in.erase(0, c.in_off);
      c.in_off = 0;
    }
    flush(c);
  }

  void maybe_continue(Conn& c, const HeadInfo& h) {
    if (h.expect_continue && !c.sent_continue) {
      c.out += p_.continue_100;
      c.sent_continue = true;
    }
  }

  void fail(Conn& c) {
    c.out += p_.bad_request;
    c.close_after = true;
    flush(c);
  }

  static bool is_api(std::string_view line) { return line.substr(0, 5) == "POST "; }

  void respond(Conn& c, std::string_view line, std::string_view body) {
    if (is_api(line)) arrived();
    else ++requests_;
    size_t sp1 = line.find(' ');
    size_t sp2 = line.find(' ', sp1 == std::string_view::npos ? 0 : sp1 + 1);
    if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
      c.out += p_.bad_request;
      c.close_after = true;
      return;
    }
    std::string_view method = line.substr(0, sp1);
    std::string_view path = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
    if (mode_ == Mode::Error500 && method == "POST") {
      bool anthropic = path.find("/messages") != std::string_view::npos;
      c.out += anthropic ? p_.message_server_error : p_.server_error;
    } else if (method == "POST" && path.find(":generateContent") != std::string_view::npos) {
      c.out += pp_.gemini;  // the translating providers (run-providers.sh): whole answers only
    } else if (method == "POST" && path.substr(0, 7) == "/model/" && path.size() > 9 &&
               path.substr(path.size() - 9) == "/converse") {
      c.out += pp_.bedrock;
    } else if (method == "POST" && path == "/v2/chat") {
      c.out += pp_.cohere;
    } else if (method == "POST" && path == "/api/chat") {
      c.out += pp_.ollama;
    } else if (method == "POST" && (path == "/v1/chat/completions" || path == "/chat/completions")) {
      if (body.find("bench:split-email-first") != std::string_view::npos)
        answer(c, body, p_.completion, p_.stream_email_head_all, p_.stream_email_head_parts);
      else if (body.find("bench:split-email") != std::string_view::npos)
        answer(c, body, p_.completion, p_.stream_email_tail_all, p_.stream_email_tail_parts);
      else
        answer(c, body, p_.completion, p_.stream_all, p_.stream_parts);
    } else if (method == "POST" && (path == "/v1/messages" || path == "/messages")) {
      ++anthropic_;
      answer(c, body, p_.message, p_.message_stream_all, p_.message_stream_parts);
    } else if (method == "POST" && (path == "/v1/messages/count_tokens" || path == "/messages/count_tokens")) {
      ++anthropic_;
      c.out += p_.count_tokens;
    } else if (method == "GET" && (path == "/health" || path == "/")) {
      c.out += p_.health;
    } else {
      c.out += p_.not_found;
    }
  }

  void answer(Conn& c, std::string_view body, const std::string& whole, const std::string& stream_all,
              const std::vector<std::string>& parts) {
    if (!json_wants_stream(body)) {
      c.out += whole;
      return;
    }
    ++streams_;
    if (delay_ns_ <= 0) {
      c.out += stream_all;
    } else {
      c.out += parts[0];
      c.stream_parts = &parts;
      c.stream_next = 1;
      schedule(c);
    }
  }

  void schedule(Conn& c) {
    Timer t{now_ns() + delay_ns_, c.fd, c.gen};
    bool earliest = timers_.empty() || t.at < timers_.top().at;
    timers_.push(t);
    if (earliest) arm_timer_abs(tfd_, t.at);
  }

  void on_timer() {
    uint64_t ticks;
    while (read(tfd_, &ticks, sizeof ticks) > 0) {
    }
    int64_t now = now_ns();
    while (!timers_.empty() && timers_.top().at <= now) {
      Timer t = timers_.top();
      timers_.pop();
      if (size_t(t.fd) >= conns_.size() || !conns_[size_t(t.fd)]) continue;
      Conn& c = *conns_[size_t(t.fd)];
      if (c.gen != t.gen || c.stream_next < 0) continue;
      c.out += (*c.stream_parts)[size_t(c.stream_next)];
      if (size_t(++c.stream_next) == c.stream_parts->size()) {
        c.stream_next = -1;
        process(c);  // answers pipelined requests waiting behind the stream, flushes
      } else {
        schedule(c);
        flush(c);
      }
    }
    if (!timers_.empty()) arm_timer_abs(tfd_, timers_.top().at);
  }

  // Writes what it can; returns false when the connection was closed.
  bool flush(Conn& c) {
    while (c.out_off < c.out.size()) {
      ssize_t w = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (w > 0) {
        c.out_off += size_t(w);
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EAGAIN) {
        if (!c.epollout) {
          c.epollout = true;
          mod(c.fd, EPOLLIN | EPOLLRDHUP | EPOLLOUT);
        }
        return true;
      }
      close_conn(c);
      return false;
    }
    c.out.clear();
    c.out_off = 0;
    if (c.epollout) {
      c.epollout = false;
      mod(c.fd, EPOLLIN | EPOLLRDHUP);
    }
    if (c.close_after && c.stream_next < 0) {
      close_conn(c);
      return false;
    }
    return true;
  }

  int lfd_, ctl_fd_, ep_ = -1, tfd_ = -1;
  uint16_t port_;
  int64_t delay_ns_;
  Mode mode_ = Mode::Healthy;
  std::vector<ControlConn> ctl_conns_;
  int64_t epoch_start_ = 0, epoch_first_ = 0, epoch_last_ = 0;
  uint64_t epoch_requests_ = 0;
  MockPayloads p_;
  ProviderPayloads pp_ = make_provider_payloads();
  std::vector<std::unique_ptr<Conn>> conns_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers_;
  uint32_t gen_ = 0;
  bool warned_fd_limit_ = false;
  uint64_t requests_ = 0, streams_ = 0, anthropic_ = 0, accepted_ = 0;
};

void usage() {
  std::fprintf(stderr,
               "usage: bench_mock_upstream PORT [--chunk-delay-us N] [--stream-events N (>= 4)] [--control-port N]"
               "   (PORT 0 = pick)\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  long port = -1;
  long long delay_us = 0;
  long control_port = -1;
  long stream_events = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--chunk-delay-us" && i + 1 < argc) delay_us = std::atoll(argv[++i]);
    else if (a == "--control-port" && i + 1 < argc) control_port = std::atol(argv[++i]);
    else if (a == "--stream-events" && i + 1 < argc) stream_events = std::atol(argv[++i]);
    else if (a == "--port" && i + 1 < argc) port = std::atol(argv[++i]);
    else if (!a.empty() && a[0] != '-' && port < 0) port = std::atol(a.c_str());
    else usage();
  }
  if (port < 0 || port > 65535 || delay_us < 0 || control_port > 65535 ||
      (stream_events != 0 && (stream_events < 4 || stream_events > 100000)))
    usage();

  struct sigaction sa{};
  sa.sa_handler = on_signal;  // no SA_RESTART: epoll_wait returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  uint16_t bound = 0;
  int lfd = listen_loopback(uint16_t(port), &bound);
  if (lfd < 0) die("listen");
  int ctl = -1;
  uint16_t ctl_bound = 0;
  if (control_port >= 0) {
    ctl = listen_loopback(uint16_t(control_port), &ctl_bound, 16);
    if (ctl < 0) die("listen (control)");
  }
  Mock mock(lfd, bound, ctl, delay_us * 1000, int(stream_events));
  if (ctl >= 0) std::printf("control on %u\n", unsigned(ctl_bound));
  std::printf("listening on %u\n", unsigned(bound));
  std::fflush(stdout);
  mock.run();
  return 0;
}

// Options, request body and statistics for bench_loadgen.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "net_util.hpp"

namespace bench {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string path = "/v1/chat/completions";
  std::string name = "run";
  std::vector<std::string> headers;
  int conns = 64;
  double duration_s = 5;
  double warmup_s = 1;
  double rate = 0;  // requests/s; 0 = closed loop (max throughput)
  bool stream = false;
  int timeout_ms = 5000;
};

// A realistic ~1 KB Chat Completions request.
inline std::string make_body(bool stream) {
  std::string b =
      R"({"model":"bench","messages":[)"
      R"({"role":"system","content":"You are a concise assistant for a platform engineering team. )"
      R"(Answer in plain English, prefer short paragraphs, and say so when you are not sure."},)"
      R"({"role":"user","content":"We run several model providers behind one gateway. )"
      R"(What does the gateway do on each request, and where does it add latency?"},)"
      R"({"role":"assistant","content":"It authenticates the caller, checks budgets and rate limits, )"
      R"(picks a deployment, forwards the request, then records usage and cost. Most of the added )"
      R"(latency comes from parsing, connection handling and any synchronous logging."},)"
      R"({"role":"user","content":"Give me a one-paragraph summary I can paste into our design )"
      R"(document, mentioning keep-alive connection reuse and streaming of server-sent events."}],)"
      R"("temperature":0.2,"top_p":1,"max_tokens":256,"n":1,"user":"bench-user-0001",)"
      R"("metadata":{"team":"platform","purpose":"benchmark"},)";
  b += stream ? R"("stream":true,"stream_options":{"include_usage":true}})" : R"("stream":false})";
  return b;
}

inline std::string make_request(const Options& o, const std::string& body) {
  std::string r = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
                  "\r\nContent-Type: application/json\r\nAccept: " +
                  (o.stream ? "text/event-stream" : "application/json") +
                  "\r\nUser-Agent: llmgw-bench/1\r\n";
  bool has_auth = false;
  for (const auto& h : o.headers) {
    r += h + "\r\n";
    if (h.size() >= 14 && (h.compare(0, 14, "Authorization:") == 0 || h.compare(0, 14, "authorization:") == 0))
      has_auth = true;
  }
  if (!has_auth) r += "Authorization: Bearer sk-bench\r\n";
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

// http://HOST:PORT/path with a numeric IPv4 host or "localhost".
inline bool parse_url(const std::string& url, Options& o) {
  const std::string pre = "http://";
  if (url.compare(0, pre.size(), pre) != 0) return false;
  std::string rest = url.substr(pre.size());
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  o.path = slash == std::string::npos ? "/" : rest.substr(slash);
  size_t colon = hostport.rfind(':');
  if (colon == std::string::npos) return false;
  o.host = hostport.substr(0, colon);
  if (o.host == "localhost") o.host = "127.0.0.1";
  long p = std::atol(hostport.c_str() + colon + 1);
  if (p <= 0 || p > 65535) return false;
  o.port = uint16_t(p);
  return true;
}

[[noreturn]] inline void usage() {
  std::fprintf(stderr,
               "usage: bench_loadgen --url http://127.0.0.1:PORT/PATH [--conns N] [--rate R] [--duration S]\n"
               "                     [--warmup S] [--stream] [--name NAME] [--header 'K: V'] [--timeout-ms MS]\n"
               "       bench_loadgen --pick-port\n");
  std::exit(2);
}

// Fills o from argv; returns false when --pick-port was asked for. Exits on bad usage.
inline bool parse_args(int argc, char** argv, Options& o) {
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--pick-port") return false;
    else if (a == "--url") { if (!parse_url(val(), o)) usage(); have_url = true; }
    else if (a == "--conns") o.conns = std::atoi(val());
    else if (a == "--rate") o.rate = std::atof(val());
    else if (a == "--duration") o.duration_s = std::atof(val());
    else if (a == "--warmup") o.warmup_s = std::atof(val());
    else if (a == "--stream") o.stream = true;
    else if (a == "--name") o.name = val();
    else if (a == "--header") o.headers.push_back(val());
    else if (a == "--timeout-ms") o.timeout_ms = std::atoi(val());
    else usage();
  }
  if (!have_url || o.conns < 1 || o.duration_s <= 0 || o.warmup_s < 0 || o.rate < 0 || o.timeout_ms < 1) usage();
  return true;
}

// Prints a free loopback TCP port (for scripts) and returns the exit code.
inline int pick_port() {
  uint16_t port = 0;
  int fd = listen_loopback(0, &port, 1);
  if (fd < 0) die("pick-port");
  close(fd);
  std::printf("%u\n", unsigned(port));
  return 0;
}

// Exact percentiles over recorded samples (nanoseconds in, microseconds out).
class Samples {
 public:
  void reserve(size_t n) { v_.reserve(n); }
  void add(int64_t ns) { v_.push_back(ns < 0 ? 0 : ns); }
  size_t size() const { return v_.size(); }
  void finish() { std::sort(v_.begin(), v_.end()); }
  double pct_us(double p) const {  // nearest-rank
    if (v_.empty()) return 0;
    size_t rank = size_t(std::ceil(p / 100.0 * double(v_.size())));
    if (rank < 1) rank = 1;
    if (rank > v_.size()) rank = v_.size();
    return double(v_[rank - 1]) / 1000.0;
  }
  double max_us() const { return v_.empty() ? 0 : double(v_.back()) / 1000.0; }
  double mean_us() const {
    if (v_.empty()) return 0;
    long double s = 0;
    for (int64_t x : v_) s += x;
    return double(s / v_.size()) / 1000.0;
  }

 private:
  std::vector<int64_t> v_;
};

}  // namespace bench

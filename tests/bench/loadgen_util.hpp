// Options, request body and statistics for bench_loadgen.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "net_util.hpp"

namespace bench {

// --phase LABEL:SECS[:MODE]: one phase of a failover run (see loadgen.cpp).
struct PhaseSpec {
  std::string label;
  double secs = 0;
  std::string mode;  // sent as "mode MODE" to the mock's control port when the phase starts; "" = none
};

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
  std::string body = "auto";  // auto | openai (1 KB) | openai-2k | anthropic (2 KB) | file
  std::string body_file;      // --body-file: sent as is
  std::string model = "bench";
  std::string done_marker;    // a stream is complete once this was seen; "" = by dialect
  bool print_body = false;    // --print-body: print the request body and exit
  // Failover runs: phases over the measured window (their sum replaces --duration), the mock
  // control port the phase modes are sent to, and the deployment id watched.
  std::vector<PhaseSpec> phases;
  int control_port = -1;
  std::string watch;          // --watch-deployment: x-llmgw-deployment value of the failing one
  double gap_ms = 500;        // --moved-gap-ms: a pause this long ends the first wave of touches
  bool track() const { return !phases.empty() || !watch.empty(); }

  // The client dialect follows the endpoint: .../messages is Anthropic, anything else OpenAI.
  bool anthropic() const {
    std::string p = path.substr(0, path.find('?'));
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p.size() >= 9 && p.compare(p.size() - 9, 9, "/messages") == 0;
  }
};

// A realistic ~1 KB Chat Completions request (the default body of run.sh).
inline std::string make_body(bool stream, const std::string& model = "bench") {
  std::string b =
      R"({"model":")" + model + R"(","messages":[)"
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

// A ~2 KB multi-turn conversation with a system prompt, written once and sent in either
// dialect, so that the OpenAI and the Anthropic request carry the same text (plain ASCII,
// nothing to escape).
struct Conversation {
  const char* system;
  std::vector<std::pair<const char*, const char*>> turns;  // role, text; user first, user last
};

inline const Conversation& conversation_2k() {
  static const Conversation c{
      "You are a senior site reliability engineer who helps a platform team operate an internal LLM "
      "gateway. Answer in plain English with short paragraphs. Prefer concrete numbers, name the "
      "metric or log field that shows a problem, and say so when you are not sure. Never invent "
      "configuration keys; when a setting is needed, describe what it should do instead.",
      {{"user",
        "Our gateway sits between about forty internal services and three model providers. Last week "
        "p99 latency for short chat requests went from 180 ms to 420 ms while the providers reported "
        "no change. What should we look at first?"},
       {"assistant",
        "Start by splitting the added time into queueing inside the gateway, connection setup to the "
        "upstream and time spent waiting for the first byte from the provider. Compare the access "
        "log's total latency with the upstream latency field for the same requests; if the gap grew, "
        "the gateway itself is slower. Then check the connection pool: new TLS handshakes on every "
        "request usually mean keep-alive is being defeated."},
       {"user",
        "The gap grew from about 2 ms to 60 ms, and the pool metrics show a lot of new connections. "
        "We recently put a load balancer with a 30 second idle timeout in front of the providers."},
       {"assistant",
        "That fits. If the balancer closes idle upstream connections after 30 seconds while the "
        "gateway keeps them for longer, the next request on such a connection fails or stalls and the "
        "gateway has to reconnect and retry. Set the pool's idle timeout below the balancer's, for "
        "example 25 seconds, and watch the reconnect rate drop."},
       {"user",
        "Thanks. Can you write a short checklist for the on-call runbook that covers this case and "
        "the two or three other causes of a latency gap you would check next?"}}};
  return c;
}

// The conversation as a Chat Completions request (~2 KB).
inline std::string make_openai_body_2k(bool stream, const std::string& model) {
  const Conversation& c = conversation_2k();
  std::string b = R"({"model":")" + model + R"(","messages":[{"role":"system","content":")";
  b += c.system;
  b += R"("})";
  for (const auto& [role, text] : c.turns) b += std::string(R"(,{"role":")") + role + R"(","content":")" + text + R"("})";
  b += R"(],"max_tokens":1024,"temperature":0.2,"top_p":1,"user":"bench-user-0001",)"
       R"("metadata":{"team":"platform","purpose":"benchmark"},)";
  b += stream ? R"("stream":true,"stream_options":{"include_usage":true}})" : R"("stream":false})";
  return b;
}

// The same conversation as an Anthropic Messages request (~2 KB), shaped as SDK clients send it:
// system as a text block with a prompt-cache breakpoint, the last user turn as content blocks.
inline std::string make_anthropic_body_2k(bool stream, const std::string& model) {
  const Conversation& c = conversation_2k();
  std::string b = R"({"model":")" + model + R"(","max_tokens":1024,"system":[{"type":"text","text":")";
  b += c.system;
  b += R"(","cache_control":{"type":"ephemeral"}}],"messages":[)";
  for (size_t i = 0; i < c.turns.size(); ++i) {
    const auto& [role, text] = c.turns[i];
    if (i) b += ',';
    b += std::string(R"({"role":")") + role + R"(","content":)";
    if (i + 1 < c.turns.size()) b += std::string("\"") + text + "\"}";
    else b += std::string(R"([{"type":"text","text":")") + text + R"("}]})";
  }
  b += R"(],"temperature":0.2,"metadata":{"user_id":"bench-user-0001"},)";
  b += stream ? R"("stream":true})" : R"("stream":false})";
  return b;
}

inline bool starts_with_ci(const std::string& s, const char* prefix) {
  for (size_t i = 0; prefix[i]; ++i) {
    if (i >= s.size()) return false;
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = char(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = char(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

// The request body chosen by the options (see Options::body). Exits when --body-file is unreadable.
inline std::string make_body(const Options& o) {
  std::string kind = o.body;
  if (kind == "auto") kind = o.anthropic() ? "anthropic" : "openai";
  if (kind == "anthropic") return make_anthropic_body_2k(o.stream, o.model);
  if (kind == "openai-2k") return make_openai_body_2k(o.stream, o.model);
  if (kind == "openai") return make_body(o.stream, o.model);
  FILE* f = std::fopen(o.body_file.c_str(), "rb");
  if (!f) die(o.body_file.c_str());
  std::string b;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) b.append(buf, n);
  std::fclose(f);
  return b;
}

// Default headers by dialect: OpenAI clients send "Authorization: Bearer", Anthropic clients
// "x-api-key" and "anthropic-version". A --header of the same name replaces the default.
inline std::string make_request(const Options& o, const std::string& body) {
  std::string r = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
                  "\r\nContent-Type: application/json\r\nAccept: " +
                  (o.stream ? "text/event-stream" : "application/json") +
                  "\r\nUser-Agent: llmgw-bench/1\r\n";
  bool has_auth = false, has_version = false;
  for (const auto& h : o.headers) {
    r += h + "\r\n";
    if (starts_with_ci(h, "authorization:") || starts_with_ci(h, "x-api-key:")) has_auth = true;
    if (starts_with_ci(h, "anthropic-version:")) has_version = true;
  }
  if (o.anthropic()) {
    if (!has_auth) r += "x-api-key: sk-bench\r\n";
    if (!has_version) r += "anthropic-version: 2023-06-01\r\n";
  } else if (!has_auth) {
    r += "Authorization: Bearer sk-bench\r\n";
  }
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

// What ends a stream: "[DONE]" for Chat Completions, the message_stop event for Messages.
inline std::string done_marker(const Options& o) {
  if (!o.done_marker.empty()) return o.done_marker;
  return o.anthropic() ? "event: message_stop" : "[DONE]";
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
               "                     [--body openai|openai-2k|anthropic | --anthropic | --body-file PATH]\n"
               "                     [--model NAME] [--done-marker STR] [--print-body]\n"
               "                     [--phase LABEL:SECS[:MODE]]... [--control-port P] [--watch-deployment ID]\n"
               "                     [--moved-gap-ms MS]\n"
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
    else if (a == "--body") o.body = val();
    else if (a == "--anthropic") o.body = "anthropic";
    else if (a == "--body-file") { o.body_file = val(); o.body = "file"; }
    else if (a == "--model") o.model = val();
    else if (a == "--done-marker") o.done_marker = val();
    else if (a == "--print-body") o.print_body = true;
    else if (a == "--phase") {
      std::string v = val();
      size_t c1 = v.find(':');
      if (c1 == std::string::npos || c1 == 0) usage();
      size_t c2 = v.find(':', c1 + 1);
      PhaseSpec ph;
      ph.label = v.substr(0, c1);
      ph.secs = std::atof(v.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1).c_str());
      if (c2 != std::string::npos) ph.mode = v.substr(c2 + 1);
      if (ph.secs <= 0) usage();
      o.phases.push_back(ph);
    }
    else if (a == "--control-port") o.control_port = std::atoi(val());
    else if (a == "--watch-deployment") o.watch = val();
    else if (a == "--moved-gap-ms") o.gap_ms = std::atof(val());
    else usage();
  }
  if (!o.phases.empty()) {
    o.duration_s = 0;
    for (const auto& ph : o.phases) o.duration_s += ph.secs;
  }
  if (!have_url || o.conns < 1 || o.duration_s <= 0 || o.warmup_s < 0 || o.rate < 0 || o.timeout_ms < 1) usage();
  if (o.body != "auto" && o.body != "openai" && o.body != "openai-2k" && o.body != "anthropic" && o.body != "file")
    usage();
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

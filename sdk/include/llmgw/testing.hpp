// Test doubles for the host side of the llmgw ABI, header-only C++17, for unit tests of a
// provider or router plugin (first-party and third-party alike). Nothing here is linked into a
// plugin.
//
//   FakeHost             an llmgw_host table: captured log lines, settable clocks, a secrets map,
//                        counters; sha256 / hmac_sha256 are stubs (32 zero bytes, not a hash)
//                        unless a test installs real ones (sha256_impl / hmac_sha256_impl).
//   RecordedRequest      what encode_request wrote to llmgw_request_out (+ the error line);
//   RecordedResult       what decode_response wrote to llmgw_result_out;
//   RecordedEvents       what stream_feed / stream_close wrote to llmgw_event_out.
//   ProviderInstance     one create()d instance of a provider vtable over a FakeHost, with
//                        encode() / decode(); StreamSession, run_stream() for its streams.
//   feed_all_ways        a stream fixture fed whole, one byte at a time, split at every offset
//                        (and, if asked, cut at random), each way handed to a check.
//   RouterInstance       one create()d instance of a router vtable, with pick() (candidates laid
//                        out with a later minor's stride) and histogram(); idle_candidate().
//   SinkInstance         one create()d instance of a sink vtable, with emit(json) / flush();
//                        FakeHost::posts records what it sent through http_post, and
//                        FakeHost::http_post_impl answers it.
//   GuardrailInstance    one create()d instance of a guardrail vtable: check() over segments
//                        (laid out with a later minor's stride) → verdict, replacements applied,
//                        block; GuardStreamSession feeds a streamed answer piece by piece;
//                        GuardCallSession opens one call (ABI 1.2 call_open) and hands it to
//                        its checks and streams, as the core does for one client request.
//
// Tests drive the plugin through its exported vtable, as the core does:
//   const auto& vt = llmgw::testing::provider_vtable(llmgw_plugin_entry_v1());
//   llmgw::testing::ProviderInstance p(vt, R"({"provider":"x","api_key":"k"})");
//   REQUIRE(p.rc == LLMGW_OK);
//   const auto r = p.encode(call);  // r.url, r.header("authorization"), r.use_call_body, …
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgw::testing {

/// An owned copy of an llmgw_str.
inline std::string copy(llmgw_str s) { return std::string(view(s)); }

/// The bytes of `dir`/`name`; throws std::runtime_error("missing fixture <name>").
inline std::string read_fixture(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Header name/value pairs, in order (client headers, upstream response headers).
using Headers = std::vector<std::pair<std::string, std::string>>;

/// An llmgw_error with its strings copied (the original lives for the set_error call only).
struct ErrorCopy {
  llmgw_error_class cls;
  int status;
  std::string type, code, param, message;
  int64_t retry_after_ms;
  explicit ErrorCopy(const llmgw_error& e)
      : cls(e.error_class), status(e.status), type(copy(e.type)), code(copy(e.code)), param(copy(e.param)),
        message(copy(e.message)), retry_after_ms(e.retry_after_ms) {}
};

/// A host table for tests. Every member is public and read at each call, so a test may change
/// it at any time (before create: see ProviderInstance's `setup`). Not copyable: the table
/// points at this object.
class FakeHost {
 public:
  /// Every log line, in order.
  std::vector<std::pair<llmgw_log_level, std::string>> logs;
  /// What monotonic_ns and realtime_ms return.
  uint64_t monotonic_ns = 0;
  int64_t realtime_ms = kDefaultRealtimeMs;
  /// secret(ref): the mapped value, or LLMGW_NOT_FOUND when `ref` is not a key.
  std::map<std::string, std::string> secrets;
  /// Registered counters in order (the handle is the index + 1) and their totals.
  std::vector<std::pair<std::string, uint64_t>> counters;
  /// What sha256 / hmac_sha256 compute when set (e.g. OpenSSL's, for a test of request signing);
  /// unset, they write 32 zero bytes.
  std::function<void(std::string_view data, uint8_t out[32])> sha256_impl;
  std::function<void(std::string_view key, std::string_view data, uint8_t out[32])> hmac_sha256_impl;
  /// One http_post call as the plugin made it.
  struct Post {
    std::string url;
    Headers headers;
    std::string body;
    uint32_t timeout_ms;
  };
  /// Every http_post, in order.
  std::vector<Post> posts;
  /// What http_post answers: returns the status (0: no answer) and may fill the response body.
  /// Unset: every post answers 200 with an empty body.
  std::function<int(const Post& post, std::string& response)> http_post_impl;

  /// 2023-11-14T22:13:20Z.
  static constexpr int64_t kDefaultRealtimeMs = 1700000000000;

  FakeHost() {
    table_.struct_size = sizeof table_;
    table_.abi_major = LLMGW_ABI_MAJOR;
    table_.abi_minor = LLMGW_ABI_MINOR;
    table_.ctx = this;
    table_.log = [](void* c, llmgw_log_level l, llmgw_str m) { self(c).logs.emplace_back(l, copy(m)); };
    table_.monotonic_ns = [](void* c) -> uint64_t { return self(c).monotonic_ns; };
    table_.secret = [](void* c, llmgw_str ref, const llmgw_writer* out) -> llmgw_status {
      const auto& secrets = self(c).secrets;
      const auto it = secrets.find(copy(ref));
      if (it == secrets.end()) return LLMGW_NOT_FOUND;
      write(out, it->second);
      return LLMGW_OK;
    };
    table_.sha256 = [](void* c, llmgw_str data, uint8_t out[32]) {
      if (self(c).sha256_impl) self(c).sha256_impl(view(data), out);
      else std::memset(out, 0, 32);
    };
    table_.hmac_sha256 = [](void* c, llmgw_str key, llmgw_str data, uint8_t out[32]) {
      if (self(c).hmac_sha256_impl) self(c).hmac_sha256_impl(view(key), view(data), out);
      else std::memset(out, 0, 32);
    };
    table_.counter_register = [](void* c, llmgw_str name, llmgw_str) -> uint32_t {
      auto& counters = self(c).counters;
      counters.emplace_back(copy(name), 0);
      return static_cast<uint32_t>(counters.size());
    };
    table_.counter_add = [](void* c, uint32_t handle, uint64_t delta) {
      auto& counters = self(c).counters;
      if (handle >= 1 && handle <= counters.size()) counters[handle - 1].second += delta;
    };
    table_.realtime_ms = [](void* c) -> int64_t { return self(c).realtime_ms; };
    table_.http_post = [](void* c, llmgw_str url, const llmgw_header* headers, size_t count, llmgw_str body,
                          uint32_t timeout_ms, int32_t* status, const llmgw_writer* out) -> llmgw_status {
      FakeHost& h = self(c);
      Post post{copy(url), {}, copy(body), timeout_ms};
      for (size_t i = 0; i < count; ++i) post.headers.emplace_back(copy(headers[i].name), copy(headers[i].value));
      h.posts.push_back(post);
      std::string response;
      const int answer = h.http_post_impl ? h.http_post_impl(h.posts.back(), response) : 200;
      *status = answer;
      write(out, response);
      return answer > 0 ? LLMGW_OK : LLMGW_ERROR;
    };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const llmgw_host* table() const noexcept { return &table_; }
  /// Makes the table claim an older (or newer) minor, e.g. 1 for a host that never opens
  /// guardrail calls (ABI 1.2). Its size and functions stay this build's.
  void set_abi_minor(uint32_t minor) noexcept { table_.abi_minor = minor; }

 private:
  static FakeHost& self(void* ctx) { return *static_cast<FakeHost*>(ctx); }
  llmgw_host table_{};
};

/// What encode_request wrote. `method` starts as the default "POST".
struct RecordedRequest {
  std::string method = "POST", url, body, error;
  Headers headers;
  bool use_call_body = false;
  llmgw_status rc = LLMGW_ERROR;

  /// The first header named `name` (case-insensitive), or "<absent>".
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (iequals(n, name)) return v;
    return "<absent>";
  }
  /// Every value of the headers named `name`, in order.
  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : headers)
      if (iequals(n, name)) out.push_back(v);
    return out;
  }
  /// How many headers are named `name`.
  int count(std::string_view name) const {
    int n = 0;
    for (const auto& h : headers) n += iequals(h.first, name);
    return n;
  }

  /// An out-table recording into this object (valid while it is not moved).
  llmgw_request_out out() {
    llmgw_request_out o{};
    o.struct_size = sizeof o;
    o.ctx = this;
    o.set_method = [](void* c, llmgw_str m) { self(c).method = copy(m); };
    o.set_url = [](void* c, llmgw_str u) { self(c).url = copy(u); };
    o.add_header = [](void* c, llmgw_str n, llmgw_str v) { self(c).headers.emplace_back(copy(n), copy(v)); };
    o.append_body = [](void* c, llmgw_str b) { self(c).body += view(b); };
    o.use_call_body = [](void* c) { self(c).use_call_body = true; };
    return o;
  }
  /// The error writer, appending to `error`.
  llmgw_writer error_writer() { return string_writer(&error); }

 private:
  static RecordedRequest& self(void* ctx) { return *static_cast<RecordedRequest*>(ctx); }
};

/// What decode_response wrote.
struct RecordedResult {
  llmgw_status rc = LLMGW_ERROR;
  bool use_upstream_body = false;
  std::string body;
  std::optional<llmgw_usage> usage;
  std::optional<ErrorCopy> error;

  /// An out-table recording into this object (valid while it is not moved).
  llmgw_result_out out() {
    llmgw_result_out o{};
    o.struct_size = sizeof o;
    o.ctx = this;
    o.append_body = [](void* c, llmgw_str b) { self(c).body += view(b); };
    o.use_upstream_body = [](void* c) { self(c).use_upstream_body = true; };
    o.set_usage = [](void* c, const llmgw_usage* u) { self(c).usage = *u; };
    o.set_error = [](void* c, const llmgw_error* e) { self(c).error.emplace(*e); };
    return o;
  }

 private:
  static RecordedResult& self(void* ctx) { return *static_cast<RecordedResult*>(ctx); }
};

/// What one stream wrote through stream_feed / stream_close, and how it ended (run_stream).
struct RecordedEvents {
  std::string raw;                  // emit_raw bytes, concatenated
  int raw_calls = 0;
  std::vector<std::string> chunks;  // emit_chunk objects
  int chunk_calls = 0;
  int feeds = 0;                    // run_stream: feeds made before a final status
  int nonempty_feeds = 0;
  int usage_calls = 0;
  std::optional<llmgw_usage> usage;  // the last set_usage
  std::optional<ErrorCopy> error;    // the last set_error
  int error_calls = 0;
  llmgw_status final_status = LLMGW_NEED_MORE;  // run_stream: the first status other than NEED_MORE
  bool final_from_close = false;                // run_stream: that status came from stream_close

  /// An out-table recording into this object (valid while it is not moved).
  llmgw_event_out out() {
    llmgw_event_out o{};
    o.struct_size = sizeof o;
    o.ctx = this;
    o.emit_raw = [](void* c, llmgw_str b) {
      self(c).raw += view(b);
      ++self(c).raw_calls;
    };
    o.emit_chunk = [](void* c, llmgw_str chunk) {
      self(c).chunks.push_back(copy(chunk));
      ++self(c).chunk_calls;
    };
    o.set_usage = [](void* c, const llmgw_usage* u) {
      self(c).usage = *u;
      ++self(c).usage_calls;
    };
    o.set_error = [](void* c, const llmgw_error* e) {
      self(c).error.emplace(*e);
      ++self(c).error_calls;
    };
    return o;
  }

 private:
  static RecordedEvents& self(void* ctx) { return *static_cast<RecordedEvents*>(ctx); }
};

/// The provider vtable of a descriptor (of kind LLMGW_KIND_PROVIDER).
inline const llmgw_provider_vtable& provider_vtable(const llmgw_plugin* plugin) {
  return *static_cast<const llmgw_provider_vtable*>(plugin->vtable);
}

/// One instance of a provider, created over its own FakeHost; destroyed with this object.
/// create()'s status is `rc`, its error line `error` (`inst` stays NULL on failure).
class ProviderInstance {
 public:
  /// `setup` runs on the host before create (secrets, clocks).
  ProviderInstance(const llmgw_provider_vtable& vt, std::string_view config_json,
                   const std::function<void(FakeHost&)>& setup = {})
      : vt_(&vt) {
    if (setup) setup(host);
    llmgw_writer w = string_writer(&error);
    rc = vt_->create(host.table(), str(config_json), &inst, &w);
  }
  ~ProviderInstance() {
    if (inst) vt_->destroy(inst);
  }
  ProviderInstance(const ProviderInstance&) = delete;
  ProviderInstance& operator=(const ProviderInstance&) = delete;

  /// The vtable this instance was created through.
  const llmgw_provider_vtable& hooks() const noexcept { return *vt_; }

  /// encode_request for `call`.
  RecordedRequest encode(const llmgw_call& call) {
    RecordedRequest r;
    const llmgw_request_out out = r.out();
    llmgw_writer w = r.error_writer();
    r.rc = vt_->encode_request(inst, &call, &out, &w);
    return r;
  }

  /// decode_response for `call` of an upstream answer `status` / `body` / `headers`.
  RecordedResult decode(const llmgw_call& call, int status, std::string_view body, const Headers& headers = {}) {
    std::vector<llmgw_header> hs;
    for (const auto& [n, v] : headers) hs.push_back(llmgw_header{str(n), str(v)});
    const llmgw_upstream_response resp{sizeof resp, status, hs.data(), hs.size(), str(body)};
    RecordedResult r;
    const llmgw_result_out out = r.out();
    r.rc = vt_->decode_response(inst, &call, &resp, &out);
    return r;
  }

  FakeHost host;
  void* inst = nullptr;
  llmgw_status rc = LLMGW_ERROR;
  std::string error;

 private:
  const llmgw_provider_vtable* vt_;
};

/// encode_request / decode_response as free functions (p.encode / p.decode).
inline RecordedRequest encode(ProviderInstance& p, const llmgw_call& call) { return p.encode(call); }
inline RecordedResult decode(ProviderInstance& p, const llmgw_call& call, int status, std::string_view body,
                             const Headers& headers = {}) {
  return p.decode(call, status, body, headers);
}

/// An open stream (stream_open on a 200 with no headers; stream_destroy at the end), recording
/// into `run`. Throws std::runtime_error when stream_open fails.
class StreamSession {
 public:
  StreamSession(ProviderInstance& p, const llmgw_call& call) : vt_(&p.hooks()), out_(run.out()) {
    const llmgw_upstream_response resp{sizeof resp, 200, nullptr, 0, {nullptr, 0}};
    if (vt_->stream_open(p.inst, &call, &resp, &s_) != LLMGW_OK) throw std::runtime_error("stream_open failed");
  }
  ~StreamSession() { vt_->stream_destroy(s_); }
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;

  llmgw_status feed(std::string_view bytes) { return vt_->stream_feed(s_, str(bytes), &out_); }
  llmgw_status close() { return vt_->stream_close(s_, &out_); }

  RecordedEvents run;

 private:
  const llmgw_provider_vtable* vt_;
  llmgw_event_out out_;
  llmgw_stream* s_ = nullptr;
};

/// One stream: feeds `pieces` in order until a status other than NEED_MORE, then closes if none
/// came; counts the feeds and records the final status.
inline RecordedEvents run_stream(ProviderInstance& p, const llmgw_call& call,
                                 const std::vector<std::string_view>& pieces) {
  StreamSession session(p, call);
  RecordedEvents& run = session.run;
  for (std::string_view piece : pieces) {
    ++run.feeds;
    if (!piece.empty()) ++run.nonempty_feeds;
    run.final_status = session.feed(piece);
    if (run.final_status != LLMGW_NEED_MORE) break;
  }
  if (run.final_status == LLMGW_NEED_MORE) {
    run.final_status = session.close();
    run.final_from_close = true;
  }
  return std::move(run);
}

/// `s` cut at the ascending offsets `cuts` (cuts.size() + 1 pieces, some maybe empty).
inline std::vector<std::string_view> split_at(std::string_view s, const std::vector<std::size_t>& cuts) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  for (std::size_t c : cuts) {
    out.push_back(s.substr(from, c - from));
    from = c;
  }
  out.push_back(s.substr(from));
  return out;
}

/// `s` one byte per piece.
inline std::vector<std::string_view> bytewise(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size(); ++i) out.push_back(s.substr(i, 1));
  return out;
}

/// Which ways feed_all_ways cuts a fixture, besides whole and byte by byte.
struct FeedWays {
  /// In two at every split_stride-th offset 0, stride, 2 * stride, … <= size (1: every offset).
  std::size_t split_stride = 1;
  /// Then random_rounds times at cuts_per_round sorted offsets drawn from std::mt19937(seed).
  int random_rounds = 0;
  int cuts_per_round = 5;
  uint32_t seed = 1;
};

/// Calls `check(pieces, how)` for every way of cutting `bytes`: whole ("whole"), one byte at a
/// time ("bytewise"), split in two at each offset ("split at N"), then the random cuts of `ways`
/// ("random round R (cuts a b …)"). A stream decoder must give the same result for each.
template <typename Check>
void feed_all_ways(std::string_view bytes, Check&& check, const FeedWays& ways = {}) {
  check(std::vector<std::string_view>{bytes}, std::string("whole"));
  check(bytewise(bytes), std::string("bytewise"));
  const std::size_t stride = ways.split_stride ? ways.split_stride : 1;
  for (std::size_t i = 0; i <= bytes.size(); i += stride) {
    std::string how("split at ");
    how += std::to_string(i);
    check(split_at(bytes, {i}), how);
  }
  std::mt19937 rng(ways.seed);
  for (int round = 0; round < ways.random_rounds; ++round) {
    std::vector<std::size_t> cuts;
    for (int k = 0; k < ways.cuts_per_round; ++k) cuts.push_back(rng() % (bytes.size() + 1));
    std::sort(cuts.begin(), cuts.end());
    std::string how("random round ");
    how += std::to_string(round);
    how += " (cuts";
    for (std::size_t c : cuts) (how += ' ') += std::to_string(c);
    how += ')';
    check(split_at(bytes, cuts), how);
  }
}

// ---- routers --------------------------------------------------------------------------------

/// The router vtable of a descriptor (of kind LLMGW_KIND_ROUTER).
inline const llmgw_router_vtable& router_vtable(const llmgw_plugin* plugin) {
  return *static_cast<const llmgw_router_vtable*>(plugin->vtable);
}

/// A candidate as the core hands in an idle, new deployment: weight 1, nothing in flight, no
/// latency known, no usage, no limits, no failures, prices unknown. `id` must outlive its use
/// (a string literal). Set the statistics a test is about on the result.
inline llmgw_candidate idle_candidate(const char* id) noexcept {
  llmgw_candidate c{};
  c.struct_size = sizeof(llmgw_candidate);
  c.deployment_id = llmgw_str{id, std::strlen(id)};
  c.weight = 1;
  c.ewma_latency_ms = c.ewma_ttft_ms = -1;
  c.input_price_per_mtok = c.output_price_per_mtok = -1;
  return c;
}

/// What one pick returned.
struct PickResult {
  llmgw_status rc = LLMGW_ERROR;
  std::size_t index = static_cast<std::size_t>(-1);  // untouched unless rc == LLMGW_OK
};

/// One router instance, created over its own FakeHost; destroyed with this object. create()'s
/// status is `rc`, its error line `error`.
///
/// pick() lays the candidates out as a host of a LATER minor would: each element is
/// kStridePadding bytes larger than this build's llmgw_candidate (struct_size and
/// candidate_size say so, the padding is garbage), so a plugin that indexes `candidates[i]`
/// instead of stepping by candidate_size fails its tests.
class RouterInstance {
 public:
  static constexpr std::size_t kStridePadding = 24;

  RouterInstance(const llmgw_router_vtable& vt, std::string_view config_json,
                 const std::function<void(FakeHost&)>& setup = {})
      : vt_(&vt) {
    if (setup) setup(host);
    llmgw_writer w = string_writer(&error);
    rc = vt_->create(host.table(), str(config_json), &inst, &w);
  }
  ~RouterInstance() {
    if (rc == LLMGW_OK) vt_->destroy(inst);
  }
  RouterInstance(const RouterInstance&) = delete;
  RouterInstance& operator=(const RouterInstance&) = delete;

  /// One pick over `candidates` with the given random seed.
  PickResult pick(const std::vector<llmgw_candidate>& candidates, uint64_t random, bool stream = false,
                  std::string_view model = "pool") {
    constexpr std::size_t stride = sizeof(llmgw_candidate) + kStridePadding;
    layout_.assign(candidates.size() * stride, static_cast<unsigned char>(0xA5));
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      llmgw_candidate c = candidates[i];
      c.struct_size = stride;
      std::memcpy(layout_.data() + i * stride, &c, sizeof c);
    }
    llmgw_pick_request r{};
    r.struct_size = sizeof r;
    r.model = str(model);
    r.candidates = reinterpret_cast<const llmgw_candidate*>(layout_.data());
    r.count = candidates.size();
    r.candidate_size = stride;
    r.random = random;
    r.is_stream = stream ? 1 : 0;
    r.now_ms = host.realtime_ms;
    PickResult out;
    std::size_t chosen = static_cast<std::size_t>(-1);
    out.rc = vt_->pick(inst, &r, &chosen);
    if (out.rc == LLMGW_OK) out.index = chosen;
    return out;
  }

  /// How many of `rounds` picks chose each candidate, the randoms drawn from
  /// std::mt19937_64(seed). A failed pick throws std::runtime_error.
  std::vector<int> histogram(const std::vector<llmgw_candidate>& candidates, int rounds, bool stream = false,
                             uint64_t seed = 1) {
    std::vector<int> counts(candidates.size(), 0);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < rounds; ++i) {
      const PickResult p = pick(candidates, rng(), stream);
      if (p.rc != LLMGW_OK || p.index >= candidates.size()) throw std::runtime_error("pick failed");
      ++counts[p.index];
    }
    return counts;
  }

  FakeHost host;
  void* inst = nullptr;
  llmgw_status rc = LLMGW_ERROR;
  std::string error;

 private:
  const llmgw_router_vtable* vt_;
  std::vector<unsigned char> layout_;
};

/// The sink vtable of a plugin descriptor (throws when it is not a sink).
inline const llmgw_sink_vtable& sink_vtable(const llmgw_plugin* plugin) {
  if (plugin == nullptr || plugin->kind != LLMGW_KIND_SINK) throw std::runtime_error("not a sink plugin");
  return *static_cast<const llmgw_sink_vtable*>(plugin->vtable);
}

/// One create()d instance of a sink vtable over a FakeHost. emit() builds the llmgw_sink_event
/// as the core does (type, schema_version 1, the JSON, a time) and returns the hook's status.
class SinkInstance {
 public:
  SinkInstance(const llmgw_sink_vtable& vt, std::string_view config_json,
               const std::function<void(FakeHost&)>& setup = {})
      : vt_(&vt) {
    if (setup) setup(host);
    llmgw_writer w = string_writer(&error);
    rc = vt_->create(host.table(), str(config_json), &inst, &w);
  }
  ~SinkInstance() {
    if (rc == LLMGW_OK) vt_->destroy(inst);
  }
  SinkInstance(const SinkInstance&) = delete;
  SinkInstance& operator=(const SinkInstance&) = delete;

  llmgw_status emit(std::string_view json, llmgw_event_type type = LLMGW_EVENT_REQUEST, uint64_t dropped_before = 0) {
    llmgw_sink_event e{};
    e.struct_size = sizeof e;
    e.type = type;
    e.schema_version = 1;
    e.json = str(json);
    e.time_unix_ms = host.realtime_ms;
    e.dropped_before = dropped_before;
    return vt_->emit(inst, &e);
  }
  /// LLMGW_OK when the vtable has no flush.
  llmgw_status flush() { return vt_->flush ? vt_->flush(inst) : LLMGW_OK; }

  FakeHost host;
  void* inst = nullptr;
  llmgw_status rc = LLMGW_ERROR;
  std::string error;

 private:
  const llmgw_sink_vtable* vt_;
};

// ---- guardrails -----------------------------------------------------------------------------

/// One segment as a test writes it.
struct TestSegment {
  TestSegment() = default;
  TestSegment(std::string t, llmgw_segment_source s = LLMGW_SEGMENT_MESSAGE)  // NOLINT: implicit on purpose
      : text(std::move(t)), source(s) {}
  TestSegment(const char* t) : text(t) {}  // NOLINT
  std::string text;
  llmgw_segment_source source = LLMGW_SEGMENT_MESSAGE;
  int64_t message_index = 0;
  int64_t part_index = -1;
  std::string role = "user";
  std::string name;
};

/// What one check() wrote.
struct GuardResult {
  llmgw_verdict verdict = -1;
  /// Per segment: the text with the replacements applied (the input text when none).
  std::vector<std::string> texts;
  /// Every replace() call: segment, offset, len, replacement.
  struct Replacement {
    std::size_t segment, offset, len;
    std::string text;
  };
  std::vector<Replacement> replacements;
  /// block(): segment, detector, reason (empty detector: not blocked).
  std::size_t blocked_segment = 0;
  std::string detector, reason;
  /// A replacement outside its segment or overlapping another (the core would fail the check).
  bool bad_replacement = false;
};

/// One create()d guardrail instance over a FakeHost. Segments are handed in with a stride
/// kStridePadding bytes larger than this build's llmgw_segment (garbage in the padding), so a
/// plugin that indexes `segments[i]` fails its tests.
class GuardrailInstance {
 public:
  static constexpr std::size_t kStridePadding = 24;

  GuardrailInstance(const llmgw_guardrail_vtable& vt, std::string_view config_json,
                    const std::function<void(FakeHost&)>& setup = {})
      : vt_(&vt) {
    if (setup) setup(host);
    llmgw_writer w = string_writer(&error);
    rc = vt_->create(host.table(), str(config_json), &inst, &w);
  }
  ~GuardrailInstance() {
    if (rc == LLMGW_OK) vt_->destroy(inst);
  }
  GuardrailInstance(const GuardrailInstance&) = delete;
  GuardrailInstance& operator=(const GuardrailInstance&) = delete;

  const llmgw_guardrail_vtable& vtable() const { return *vt_; }

  /// check() over `segments` in `phase`, within `call` (llmgw_guard_request.call; see
  /// GuardCallSession).
  GuardResult check(const std::vector<TestSegment>& segments, llmgw_guard_phase phase = LLMGW_PHASE_INPUT,
                    llmgw_dialect dialect = LLMGW_DIALECT_OPENAI_CHAT, std::string_view model = "alias",
                    void* call = nullptr) {
    constexpr std::size_t stride = sizeof(llmgw_segment) + kStridePadding;
    layout_.assign(segments.size() * stride, static_cast<unsigned char>(0xA5));
    for (std::size_t i = 0; i < segments.size(); ++i) {
      llmgw_segment s = to_c(segments[i]);
      s.struct_size = stride;
      std::memcpy(layout_.data() + i * stride, &s, sizeof s);
    }
    llmgw_guard_request r{};
    r.struct_size = sizeof r;
    r.phase = phase;
    r.client_dialect = dialect;
    r.model = str(model);
    r.segments = reinterpret_cast<const llmgw_segment*>(layout_.data());
    r.count = segments.size();
    r.segment_size = stride;
    r.call = call;
    GuardResult result;
    llmgw_guard_out o{};
    o.struct_size = sizeof o;
    o.ctx = &result;
    o.replace = [](void* c, size_t seg, size_t off, size_t len, llmgw_str t) {
      static_cast<GuardResult*>(c)->replacements.push_back({seg, off, len, copy(t)});
    };
    o.block = [](void* c, size_t seg, llmgw_str d, llmgw_str why) {
      auto& g = *static_cast<GuardResult*>(c);
      g.blocked_segment = seg;
      g.detector = copy(d);
      g.reason = copy(why);
    };
    result.verdict = vt_->check(inst, &r, &o);
    for (const auto& s : segments) result.texts.push_back(s.text);
    // Apply the replacements, per segment from the last offset to the first.
    auto reps = result.replacements;
    std::sort(reps.begin(), reps.end(), [](const auto& a, const auto& b) {
      return a.segment != b.segment ? a.segment < b.segment : a.offset > b.offset;
    });
    for (std::size_t i = 0; i < reps.size(); ++i) {
      const auto& x = reps[i];
      if (x.segment >= result.texts.size() || x.offset + x.len > result.texts[x.segment].size() ||
          (i > 0 && reps[i - 1].segment == x.segment && x.offset + x.len > reps[i - 1].offset)) {
        result.bad_replacement = true;
        continue;
      }
      result.texts[x.segment].replace(x.offset, x.len, x.text);
    }
    return result;
  }

  /// The C view of a TestSegment (valid while `s` is).
  static llmgw_segment to_c(const TestSegment& s) {
    llmgw_segment c{};
    c.struct_size = sizeof c;
    c.source = s.source;
    c.message_index = s.message_index;
    c.part_index = s.part_index;
    c.role = str(s.role);
    c.name = str(s.name);
    c.text = str(s.text);
    return c;
  }

  FakeHost host;
  void* inst = nullptr;
  llmgw_status rc = LLMGW_ERROR;
  std::string error;

 private:
  const llmgw_guardrail_vtable* vt_;
  std::vector<unsigned char> layout_;
};

/// One guard stream of a GuardrailInstance: feed pieces per channel, close channels; what was
/// released per channel accumulates in `released`, a block in `detector` / `reason`.
class GuardStreamSession {
 public:
  /// A stream of `g` within `call` (llmgw_guard_request.call; see GuardCallSession::stream).
  explicit GuardStreamSession(GuardrailInstance& g, std::string_view model = "alias", void* call = nullptr)
      : vt_(&g.vtable()) {
    llmgw_guard_request r{};
    r.struct_size = sizeof r;
    r.phase = LLMGW_PHASE_STREAM_CHUNK;
    r.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    r.model = str(model);
    r.segment_size = sizeof(llmgw_segment);
    r.call = call;
    rc = vt_->stream_open ? vt_->stream_open(g.inst, &r, &stream_) : LLMGW_ERROR;
    out_.struct_size = sizeof out_;
    out_.ctx = this;
    out_.emit = [](void* c, size_t ch, llmgw_str t) {
      auto& self = *static_cast<GuardStreamSession*>(c);
      if (self.released.size() <= ch) self.released.resize(ch + 1);
      self.released[ch] += view(t);
      ++self.emits;
    };
    out_.block = [](void* c, size_t, llmgw_str d, llmgw_str why) {
      auto& self = *static_cast<GuardStreamSession*>(c);
      self.detector = copy(d);
      self.reason = copy(why);
    };
  }
  ~GuardStreamSession() {
    if (rc == LLMGW_OK && stream_) vt_->stream_destroy(stream_);
  }
  GuardStreamSession(const GuardStreamSession&) = delete;
  GuardStreamSession& operator=(const GuardStreamSession&) = delete;

  llmgw_status feed(std::size_t channel, std::string_view text, llmgw_segment_source source = LLMGW_SEGMENT_ANSWER) {
    TestSegment t(std::string(text), source);
    t.role = "assistant";
    const llmgw_segment s = GuardrailInstance::to_c(t);
    return vt_->stream_feed(stream_, channel, &s, &out_);
  }
  llmgw_status close(std::size_t channel) { return vt_->stream_close(stream_, channel, &out_); }
  /// What channel `channel` released so far.
  std::string text(std::size_t channel) const { return channel < released.size() ? released[channel] : std::string(); }

  llmgw_status rc = LLMGW_ERROR;
  std::vector<std::string> released;
  std::size_t emits = 0;
  std::string detector, reason;

 private:
  const llmgw_guardrail_vtable* vt_;
  llmgw_guard_stream* stream_ = nullptr;
  llmgw_guard_stream_out out_{};
};

/// One call of a GuardrailInstance (ABI 1.2), as the core opens one per client request: call_open
/// at construction (when the vtable has it), the call handed to every check() and stream of the
/// session, call_close at destruction. Destroy its streams before the session. Without call
/// hooks `call` stays null and `rc` is LLMGW_OK (the core's behaviour for such a guardrail).
class GuardCallSession {
 public:
  explicit GuardCallSession(GuardrailInstance& g, std::string_view model = "alias",
                            llmgw_dialect dialect = LLMGW_DIALECT_OPENAI_CHAT)
      : g_(&g), model_(model), dialect_(dialect) {
    const llmgw_guardrail_vtable& vt = g.vtable();
    if (!LLMGW_HAS_MEMBER(&vt, llmgw_guardrail_vtable, call_close) || !vt.call_open || !vt.call_close) {
      rc = LLMGW_OK;
      return;
    }
    llmgw_guard_request r{};
    r.struct_size = sizeof r;
    r.phase = LLMGW_PHASE_CALL;
    r.client_dialect = dialect;
    r.model = str(model_);
    r.segment_size = sizeof(llmgw_segment);
    rc = vt.call_open(g.inst, &r, &call);
    opened = rc == LLMGW_OK;
  }
  ~GuardCallSession() {
    if (opened) g_->vtable().call_close(g_->inst, call);
  }
  GuardCallSession(const GuardCallSession&) = delete;
  GuardCallSession& operator=(const GuardCallSession&) = delete;

  /// check() within this call.
  GuardResult check(const std::vector<TestSegment>& segments, llmgw_guard_phase phase = LLMGW_PHASE_INPUT) {
    return g_->check(segments, phase, dialect_, model_, call);
  }
  /// A guard stream within this call (destroy it before the session).
  std::unique_ptr<GuardStreamSession> stream() { return std::make_unique<GuardStreamSession>(*g_, model_, call); }

  llmgw_status rc = LLMGW_ERROR;
  bool opened = false;  // call_open returned LLMGW_OK: call_close follows
  void* call = nullptr;

 private:
  GuardrailInstance* g_;
  std::string model_;
  llmgw_dialect dialect_;
};

}  // namespace llmgw::testing

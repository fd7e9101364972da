// Test doubles for the host side of the ABI: a host table, and recording request / result /
// event writers. Tests drive provider-anthropic through its exported vtable, as the core does.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace test {

inline std::string sv(llmgw_str s) { return std::string(llmgw::view(s)); }

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PROVIDER_ANTHROPIC_FIXTURES) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `json` re-written compactly with members in their original order (for readable failures);
/// throws when it is not JSON.
inline std::string compact(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) throw std::runtime_error("not JSON: " + json);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  d.Accept(w);
  return sb.GetString();
}

/// Semantic JSON equality (member order does not matter).
inline bool json_equal(const std::string& a, const std::string& b) {
  rapidjson::Document x, y;
  x.Parse(a.data(), a.size());
  y.Parse(b.data(), b.size());
  return !x.HasParseError() && !y.HasParseError() && x == y;
}

struct ErrorCopy {
  llmgw_error_class cls;
  int status;
  std::string type, code, param, message;
  int64_t retry_after_ms;
  explicit ErrorCopy(const llmgw_error& e)
      : cls(e.error_class), status(e.status), type(sv(e.type)), code(sv(e.code)), param(sv(e.param)),
        message(sv(e.message)), retry_after_ms(e.retry_after_ms) {}
};

/// The host's wall clock in these tests: every canonical object's "created" is kNowMs / 1000.
inline constexpr int64_t kNowMs = 1764000000789;

struct Host {
  std::vector<std::pair<llmgw_log_level, std::string>> logs;
  llmgw_host table{};
  Host() {
    table.struct_size = sizeof table;
    table.abi_major = LLMGW_ABI_MAJOR;
    table.abi_minor = LLMGW_ABI_MINOR;
    table.ctx = this;
    table.log = [](void* c, llmgw_log_level l, llmgw_str m) { static_cast<Host*>(c)->logs.emplace_back(l, sv(m)); };
    table.monotonic_ns = [](void*) -> uint64_t { return 0; };
    table.secret = [](void*, llmgw_str, const llmgw_writer*) -> llmgw_status { return LLMGW_NOT_FOUND; };
    table.sha256 = [](void*, llmgw_str, uint8_t*) {};
    table.hmac_sha256 = [](void*, llmgw_str, llmgw_str, uint8_t*) {};
    table.counter_register = [](void*, llmgw_str, llmgw_str) -> uint32_t { return 0; };
    table.counter_add = [](void*, uint32_t, uint64_t) {};
    table.realtime_ms = [](void*) -> int64_t { return kNowMs; };
  }
};

inline const llmgw_provider_vtable& vtable() {
  return *static_cast<const llmgw_provider_vtable*>(llmgw_plugin_entry_v1()->vtable);
}

/// An instance of the plugin; create() failures are kept in `error`.
struct Plugin {
  Host host;
  void* inst = nullptr;
  llmgw_status rc;
  std::string error;
  explicit Plugin(const std::string& config_json) {
    llmgw_writer w = llmgw::string_writer(&error);
    rc = vtable().create(&host.table, llmgw::str(config_json), &inst, &w);
  }
  ~Plugin() {
    if (inst) vtable().destroy(inst);
  }
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

/// A call plus the header array it points into (keep this object alive while `c` is used).
struct Call {
  llmgw_call c{};
  std::string body;
  Headers header_strings;
  std::vector<llmgw_header> headers;

  Call(std::string b, llmgw_dialect dialect, bool stream = false, Headers hs = {},
       llmgw_operation op = LLMGW_OP_CHAT)
      : body(std::move(b)), header_strings(std::move(hs)) {
    for (const auto& [n, v] : header_strings) headers.push_back(llmgw_header{llmgw::str(n), llmgw::str(v)});
    c.struct_size = sizeof c;
    c.operation = op;
    c.body_dialect = dialect;
    c.body = llmgw::str(body);
    c.model = llmgw::str("claude-sonnet-4-5");
    c.stream = stream ? 1 : 0;
    c.client_headers = headers.data();
    c.client_header_count = headers.size();
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
};

inline Call canonical(std::string body, bool stream = false, Headers hs = {}) {
  return Call(std::move(body), LLMGW_DIALECT_OPENAI_CHAT, stream, std::move(hs));
}
inline Call native(std::string body, bool stream = false, Headers hs = {}) {
  return Call(std::move(body), LLMGW_DIALECT_ANTHROPIC_MESSAGES, stream, std::move(hs));
}

struct Request {
  std::string method = "POST", url, body, error;
  Headers headers;
  bool use_call_body = false;
  llmgw_status rc = LLMGW_ERROR;

  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (llmgw::iequals(n, name)) return v;
    return "<absent>";
  }
  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : headers)
      if (llmgw::iequals(n, name)) out.push_back(v);
    return out;
  }
};

inline Request encode(Plugin& p, const llmgw_call& call) {
  Request r;
  llmgw_request_out out{};
  out.struct_size = sizeof out;
  out.ctx = &r;
  out.set_method = [](void* c, llmgw_str m) { static_cast<Request*>(c)->method = sv(m); };
  out.set_url = [](void* c, llmgw_str u) { static_cast<Request*>(c)->url = sv(u); };
  out.add_header = [](void* c, llmgw_str n, llmgw_str v) { static_cast<Request*>(c)->headers.emplace_back(sv(n), sv(v)); };
  out.append_body = [](void* c, llmgw_str b) { static_cast<Request*>(c)->body += sv(b); };
  out.use_call_body = [](void* c) { static_cast<Request*>(c)->use_call_body = true; };
  llmgw_writer w = llmgw::string_writer(&r.error);
  r.rc = vtable().encode_request(p.inst, &call, &out, &w);
  return r;
}

struct Result {
  llmgw_status rc = LLMGW_ERROR;
  bool use_upstream_body = false;
  std::string body;
  std::optional<llmgw_usage> usage;
  std::optional<ErrorCopy> error;
};

inline Result decode(Plugin& p, const llmgw_call& call, int status, std::string_view body, const Headers& headers = {}) {
  std::vector<llmgw_header> hs;
  for (const auto& [n, v] : headers) hs.push_back(llmgw_header{llmgw::str(n), llmgw::str(v)});
  llmgw_upstream_response resp{sizeof resp, status, hs.data(), hs.size(), llmgw::str(body)};
  Result r;
  llmgw_result_out out{};
  out.struct_size = sizeof out;
  out.ctx = &r;
  out.append_body = [](void* c, llmgw_str b) { static_cast<Result*>(c)->body += sv(b); };
  out.use_upstream_body = [](void* c) { static_cast<Result*>(c)->use_upstream_body = true; };
  out.set_usage = [](void* c, const llmgw_usage* u) { static_cast<Result*>(c)->usage = *u; };
  out.set_error = [](void* c, const llmgw_error* e) { static_cast<Result*>(c)->error.emplace(*e); };
  r.rc = vtable().decode_response(p.inst, &call, &resp, &out);
  return r;
}

/// One stream through stream_open / feed / close / destroy, recording what the core would see.
struct StreamRun {
  std::string raw;  // concatenation of emit_raw bytes
  int raw_calls = 0;
  std::vector<std::string> chunks;  // emit_chunk objects
  int feeds = 0;
  int nonempty_feeds = 0;
  int usage_calls = 0;
  std::optional<llmgw_usage> usage;
  std::optional<ErrorCopy> error;
  int error_calls = 0;
  llmgw_status final_status = LLMGW_NEED_MORE;
  bool final_from_close = false;
};

class StreamSession {
 public:
  StreamSession(Plugin& p, const llmgw_call& call) {
    out_.struct_size = sizeof out_;
    out_.ctx = &run;
    out_.emit_raw = [](void* c, llmgw_str b) {
      auto* r = static_cast<StreamRun*>(c);
      r->raw += sv(b);
      ++r->raw_calls;
    };
    out_.emit_chunk = [](void* c, llmgw_str chunk) { static_cast<StreamRun*>(c)->chunks.push_back(sv(chunk)); };
    out_.set_usage = [](void* c, const llmgw_usage* u) {
      auto* r = static_cast<StreamRun*>(c);
      r->usage = *u;
      ++r->usage_calls;
    };
    out_.set_error = [](void* c, const llmgw_error* e) {
      auto* r = static_cast<StreamRun*>(c);
      r->error.emplace(*e);
      ++r->error_calls;
    };
    llmgw_upstream_response resp{sizeof resp, 200, nullptr, 0, {nullptr, 0}};
    if (vtable().stream_open(p.inst, &call, &resp, &s_) != LLMGW_OK) throw std::runtime_error("stream_open failed");
  }
  ~StreamSession() { vtable().stream_destroy(s_); }
  StreamSession(const StreamSession&) = delete;
  StreamSession& operator=(const StreamSession&) = delete;

  llmgw_status feed(std::string_view bytes) { return vtable().stream_feed(s_, llmgw::str(bytes), &out_); }
  llmgw_status close() { return vtable().stream_close(s_, &out_); }

  StreamRun run;

 private:
  llmgw_event_out out_{};
  llmgw_stream* s_ = nullptr;
};

/// Feeds `pieces` in order until a final status, then closes if none came.
inline StreamRun run_stream(Plugin& p, const llmgw_call& call, const std::vector<std::string_view>& pieces) {
  StreamSession session(p, call);
  StreamRun& run = session.run;
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

inline std::vector<std::string_view> split_at(std::string_view s, std::vector<std::size_t> cuts) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  for (std::size_t c : cuts) {
    out.push_back(s.substr(from, c - from));
    from = c;
  }
  out.push_back(s.substr(from));
  return out;
}

inline std::vector<std::string_view> bytewise(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size(); ++i) out.push_back(s.substr(i, 1));
  return out;
}

}  // namespace test

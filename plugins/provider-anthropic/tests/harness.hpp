// The SDK's test host (llmgw/testing.hpp) bound to provider-anthropic: tests drive the plugin
// through its exported vtable, as the core does. Only the provider's own parts are here: its
// fixtures, the host's wall clock, JSON comparison, and calls in either dialect.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace test {

using llmgw::testing::bytewise;
using llmgw::testing::decode;
using llmgw::testing::encode;
using llmgw::testing::ErrorCopy;
using llmgw::testing::FeedWays;
using llmgw::testing::feed_all_ways;
using llmgw::testing::Headers;
using llmgw::testing::run_stream;
using llmgw::testing::split_at;
using llmgw::testing::StreamSession;
using Request = llmgw::testing::RecordedRequest;
using Result = llmgw::testing::RecordedResult;
using StreamRun = llmgw::testing::RecordedEvents;

inline std::string fixture(const std::string& name) {
  return llmgw::testing::read_fixture(PROVIDER_ANTHROPIC_FIXTURES, name);
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

/// The host's wall clock in these tests: every canonical object's "created" is kNowMs / 1000.
inline constexpr int64_t kNowMs = 1764000000789;

inline const llmgw_provider_vtable& vtable() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }

/// An instance of the plugin over a host whose wall clock reads kNowMs; create() failures are
/// kept in `error`.
struct Plugin : llmgw::testing::ProviderInstance {
  explicit Plugin(const std::string& config_json)
      : ProviderInstance(vtable(), config_json, [](llmgw::testing::FakeHost& h) { h.realtime_ms = kNowMs; }) {}
};

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

}  // namespace test

// The SDK's test host (llmgw/testing.hpp) bound to provider-gemini: tests drive the plugin
// through its exported vtable, as the core does. Only the provider's own parts are here: its
// fixtures, the host's wall clock, JSON helpers and canonical calls.
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
  return llmgw::testing::read_fixture(PROVIDER_GEMINI_FIXTURES, name);
}

/// `json` parsed (throws when it is not JSON).
inline rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) throw std::runtime_error("not JSON: " + json);
  return d;
}

/// `json` re-written compactly with members in their original order (for readable failures).
inline std::string compact(const std::string& json) {
  rapidjson::Document d = parse(json);
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
inline const std::string kKey = "AIzaSyTestKeyLeakCanary-0123456789abcd";
inline const std::string kConfig = R"({"provider":"gemini","model":"gemini-2.5-flash","api_key":")" + kKey + R"("})";

inline const llmgw_provider_vtable& vtable() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }

/// An instance of the plugin over a host whose wall clock reads kNowMs.
struct Plugin : llmgw::testing::ProviderInstance {
  explicit Plugin(const std::string& config_json = kConfig)
      : ProviderInstance(vtable(), config_json, [](llmgw::testing::FakeHost& h) { h.realtime_ms = kNowMs; }) {}
};

/// A canonical call (keep this object alive while `c` is used).
struct Call {
  llmgw_call c{};
  std::string body;
  std::string model;

  explicit Call(std::string b, bool stream = false, std::string m = "gemini-2.5-flash",
                llmgw_operation op = LLMGW_OP_CHAT)
      : body(std::move(b)), model(std::move(m)) {
    c.struct_size = sizeof c;
    c.operation = op;
    c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.client_dialect = LLMGW_DIALECT_OPENAI_CHAT;
    c.body = llmgw::str(body);
    c.model = llmgw::str(model);
    c.stream = stream ? 1 : 0;
  }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
};

}  // namespace test

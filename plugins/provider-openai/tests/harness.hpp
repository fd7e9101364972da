// The SDK's test host (llmgw/testing.hpp) bound to provider-openai: tests drive the plugin
// through its exported vtable, as the core does. Only the provider's own parts are here: its
// fixtures, its calls (model "gpt-4o", canonical dialect) and call-less encode/decode/streams.
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/testing.hpp>

#include <string>
#include <string_view>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace test {

using llmgw::testing::bytewise;
using llmgw::testing::encode;
using llmgw::testing::ErrorCopy;
using llmgw::testing::FeedWays;
using llmgw::testing::feed_all_ways;
using llmgw::testing::Headers;
using llmgw::testing::split_at;
using Request = llmgw::testing::RecordedRequest;
using Result = llmgw::testing::RecordedResult;
using StreamRun = llmgw::testing::RecordedEvents;

inline std::string fixture(const std::string& name) { return llmgw::testing::read_fixture(PROVIDER_OPENAI_FIXTURES, name); }

inline const llmgw_provider_vtable& vtable() { return llmgw::testing::provider_vtable(llmgw_plugin_entry_v1()); }

/// An instance of the plugin; create() failures are kept in `error`.
struct Plugin : llmgw::testing::ProviderInstance {
  explicit Plugin(const std::string& config_json) : ProviderInstance(vtable(), config_json) {}
};

inline llmgw_call make_call(std::string_view body, llmgw_operation op = LLMGW_OP_CHAT, bool stream = false) {
  llmgw_call c{};
  c.struct_size = sizeof c;
  c.operation = op;
  c.body_dialect = LLMGW_DIALECT_OPENAI_CHAT;
  c.body = llmgw::str(body);
  c.model = llmgw::str("gpt-4o");
  c.stream = stream ? 1 : 0;
  return c;
}

/// decode_response of a chat call.
inline Result decode(Plugin& p, int status, std::string_view body, const Headers& headers = {}) {
  return p.decode(make_call("{}"), status, body, headers);
}

/// An open stream of a chat call, recording into `run`.
struct StreamSession : llmgw::testing::StreamSession {
  explicit StreamSession(Plugin& p) : llmgw::testing::StreamSession(p, make_call("{}", LLMGW_OP_CHAT, true)) {}
};

/// One chat stream fed `pieces` in order until a final status, then closed if none came.
inline StreamRun run_stream(Plugin& p, const std::vector<std::string_view>& pieces) {
  return llmgw::testing::run_stream(p, make_call("{}", LLMGW_OP_CHAT, true), pieces);
}

}  // namespace test

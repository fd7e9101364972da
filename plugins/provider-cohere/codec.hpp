// provider-cohere answers:
//   decode   {"id", "finish_reason", "message": {"role", "content": [{type: text|thinking}],
//            "tool_plan", "tool_calls", "citations"}, "usage": {"billed_units", "tokens",
//            "cached_tokens"}} → canonical chat.completion
//   Stream   SSE events typed by "type" (event table in README.md) → chat.completion.chunk
//   errors   {"id"?, "message": text} with the HTTP status → classified llmgw error
#pragma once

#include "config.hpp"

#include <plugin_util/json_helpers.hpp>

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/sse.hpp>

#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_cohere {

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_s);

/// A non-2xx answer → classified error.
Error error_from_response(const Config& cfg, const llmgw_upstream_response& r);

/// usage → llmgw_usage (tokens.* preferred over billed_units.*; cached_tokens).
llmgw_usage usage_of(const plugin_util::Value& usage);

class Stream {
 public:
  Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created);
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);
  llmgw_status close(const llmgw_event_out& out);

 private:
  enum class Phase { kMore, kDone, kError };
  bool on_event(std::string_view data, const llmgw_event_out& out);
  llmgw_status status(const llmgw_event_out& out);
  bool fail(Error e, const llmgw_event_out& out);
  template <typename Body>
  void emit(const llmgw_event_out& out, Body&& body);

  const Config& cfg_;
  const bool include_usage_;
  SseFramer framer_{std::size_t{16} << 20};
  Phase phase_ = Phase::kMore;
  Error error_;
  std::string id_ = "chatcmpl-cohere";
  std::string model_;
  int64_t created_;
  int tools_ = 0;         // tool calls started (their canonical indices)
  int current_tool_ = -1; // the tool call being streamed
  llmgw_usage usage_ = unknown_usage();
  rapidjson::StringBuffer chunk_;
};

bool wants_stream_usage(std::string_view canonical_body);

}  // namespace llmgw::provider_cohere

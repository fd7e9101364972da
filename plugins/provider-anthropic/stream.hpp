// provider-anthropic streams: one object per upstream stream, holding all of its state.
//   PASSTHROUGH: each fed byte range is forwarded with one emit_raw once the SSE framer has
//     watched its events (a range holding an event nested deeper than llmgw::kJsonMaxDepth is
//     not forwarded: BAD_RESPONSE, the client gets the error instead): message_start / message_delta → set_usage
//     (input and cache counts from the first, output — and any cumulative counts — from the
//     second), message_stop → DONE, an error event → set_error + ERROR. Only message_* and
//     error events are parsed (a SAX pass): the leading "type" of each event's data tells them
//     apart (scan.hpp leading_type), so content deltas are framed and skipped.
//   TRANSLATE: Messages SSE → canonical chat.completion.chunk objects (emit_chunk), see
//     stream_translate.cpp for the event table.
// Bytes may be cut at any boundary; the output is the same however they are cut.
#pragma once

#include "config.hpp"
#include "errors.hpp"
#include "scan.hpp"
#include "usage.hpp"

#include <llmgw/plugin.h>
#include <llmgw/sse.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_anthropic {

class Stream {
 public:
  /// `facts` and `model` matter for translated streams only (the request's include_usage and
  /// json_schema tool; the model used until message_start names one). `created` is every
  /// chunk's created (unix seconds).
  Stream(const Config& cfg, bool passthrough, RequestFacts facts, std::string_view model, int64_t created);

  /// stream_feed: NEED_MORE, DONE, or ERROR after set_error. After DONE or ERROR later bytes
  /// are neither forwarded nor looked at (an error is reported again).
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);

  /// stream_close: DONE, or ERROR (the stream ended before message_stop, or an error seen
  /// earlier) after set_error.
  llmgw_status close(const llmgw_event_out& out);

 private:
  enum class Phase { kMore, kDone, kError };

  bool on_event(std::string_view data, const llmgw_event_out& out);
  bool passthrough_event(std::string_view data, const llmgw_event_out& out);
  llmgw_status status(const llmgw_event_out& out);
  bool fail(Error e, const llmgw_event_out& out);
  void report_usage(const llmgw_event_out& out);

  // Translation (stream_translate.cpp).
  bool translate_event(std::string_view data, const llmgw_event_out& out);
  void on_message_start(const rapidjson::Value& msg, const llmgw_event_out& out);
  void on_block_start(const rapidjson::Value& ev, const llmgw_event_out& out);
  void on_block_delta(const rapidjson::Value& ev, const llmgw_event_out& out);
  void on_message_delta(const rapidjson::Value& ev, const llmgw_event_out& out);
  void on_message_stop(const llmgw_event_out& out);

  const Config& cfg_;
  const bool passthrough_;
  /// Events over 16 MiB are dropped by the framer (Anthropic's are a few hundred bytes).
  SseFramer framer_{std::size_t{16} << 20};
  Phase phase_ = Phase::kMore;
  bool closing_ = false;  // close() is framing what was left: a bad event is a truncation
  bool refused_ = false;  // an event nested too deep: its bytes are not forwarded
  Error error_;
  Usage usage_;

  // Translated streams.
  RequestFacts facts_;
  std::string id_;
  std::string model_;
  int64_t created_;
  /// Per Anthropic content block index: the canonical tool_calls index, kNotTool, or kJsonTool
  /// (the json_schema tool, whose input streams out as content).
  std::vector<int> block_tool_;
  int tools_ = 0;
  bool json_output_ = false;
  rapidjson::StringBuffer chunk_;
  static constexpr int kNotTool = -1;
  static constexpr int kJsonTool = -2;
};

}  // namespace llmgw::provider_anthropic

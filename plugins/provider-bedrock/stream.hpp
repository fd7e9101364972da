// provider-bedrock streams (converse-stream): event-stream messages (eventstream.hpp) whose
// :event-type names the event and whose payload is its JSON, translated to canonical
// chat.completion.chunk objects (emit_chunk), one object per stream:
//
//   messageStart                           → {"delta": {"role": "assistant"}}
//   contentBlockStart {start.toolUse}      → delta.tool_calls[{index i, id, type, function{name, ""}}]
//   contentBlockDelta {delta.text}         → delta.content
//   contentBlockDelta {delta.toolUse.input}→ delta.tool_calls[{index i, function{arguments}}]
//   contentBlockDelta {delta.reasoningContent: text | signature | redactedContent}
//                                          → delta.reasoning_content / thinking_blocks signature /
//                                            a redacted_thinking block
//   messageStop {stopReason}               → {"delta": {}, "finish_reason"}
//   metadata {usage}                       → set_usage; the include_usage chunk; DONE
//   :message-type exception / error        → set_error (errors.hpp), ERROR
// The tool-call index i counts the answer's toolUse blocks in order (contentBlockIndex → i); more
// than kMaxToolCalls of them is BAD_RESPONSE (a hostile stream cannot grow the map without bound).
// A stream that ends after messageStop without metadata is DONE (usage unknown); before it,
// truncated (BAD_RESPONSE). A framing error (CRC, length) is BAD_RESPONSE naming it.
#pragma once

#include "config.hpp"
#include "eventstream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/chunk_writer.hpp>
#include <plugin_util/stream_phase.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace llmgw::provider_bedrock {

class Stream {
 public:
  /// `response`: the 2xx answer's status and headers (its x-amzn-RequestId names the chunks).
  Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created,
         const llmgw_upstream_response& response);
  Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created);

  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);
  llmgw_status close(const llmgw_event_out& out);

 private:
  bool on_message(const eventstream::Message& m, const llmgw_event_out& out);
  bool on_event(std::string_view type, std::string_view payload, const llmgw_event_out& out);
  bool fail(Error e, const llmgw_event_out& out);
  void start(const llmgw_event_out& out);
  void finish_usage(const llmgw_event_out& out);
  /// The tool-call index of content block `block`, -1 when it started no toolUse.
  int tool_index(int64_t block) const;

  const Config& cfg_;
  const bool include_usage_;
  eventstream::Framer framer_{kMaxEventMessage};
  plugin_util::StreamPhase phase_;
  bool started_ = false;
  bool stopped_ = false;  // messageStop seen (finish chunk sent)
  std::unordered_map<int64_t, int> tool_blocks_;  // contentBlockIndex → tool-call index (at most kMaxToolCalls)
  llmgw_usage usage_ = unknown_usage();
  bool has_usage_ = false;
  plugin_util::ChunkWriter chunks_;
};

}  // namespace llmgw::provider_bedrock

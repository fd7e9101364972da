// Watches an OpenAI Chat Completions SSE stream that is being relayed unchanged (passthrough):
// frames the bytes, and learns from the events what the gateway needs — usage, the [DONE]
// end marker, a finish_reason, an error event — without holding back or rewriting a byte.
//
// Cost per event: a few substring searches. Only an event that may carry a non-null usage, a
// non-null finish_reason or an error is parsed (one SAX pass); see has_nonnull_key.
#pragma once

#include <openai_compat/sse_framer.hpp>

#include <llmgw/plugin.hpp>

#include <string_view>

namespace llmgw::openai_compat {

class ChatStreamWatch {
 public:
  enum class Step { kMore, kDone, kError };

  explicit ChatStreamWatch(std::size_t max_event_bytes = SseFramer::kDefaultMaxEventBytes) noexcept
      : framer_(max_event_bytes) {}

  /// Looks at the next upstream bytes (cut anywhere). kDone once "data: [DONE]" was seen,
  /// kError once an error event was seen (error() says which); both are final, and later
  /// bytes are not looked at. An event that must be scanned (see the file comment) and nests
  /// deeper than llmgw::kJsonMaxDepth is an error too: BAD_RESPONSE, 502, code
  /// "upstream_json_too_deep", and refused() is set.
  Step feed(std::string_view bytes);

  /// The upstream closed the body. An unterminated last event is still looked at. Without
  /// [DONE] the stream counts as complete when some choice had a finish_reason (Azure and
  /// several compatible servers omit [DONE]); otherwise it is an error: BAD_RESPONSE, 502,
  /// "upstream stream ended before [DONE]".
  Step close();

  /// The usage seen since the last call, if any (the last usage event wins).
  bool take_usage(llmgw_usage& out) noexcept;

  /// The error, once a step returned kError.
  const Error& error() const noexcept { return error_; }
  Step state() const noexcept { return state_; }
  bool finish_seen() const noexcept { return finish_seen_; }
  /// The error is an event the watch could not read (nested too deep): a relay should not pass
  /// on the bytes that held it, so the client gets the error instead of the event.
  bool refused() const noexcept { return refused_; }

 private:
  bool on_event(std::string_view data);

  SseFramer framer_;
  Step state_ = Step::kMore;
  bool finish_seen_ = false;
  bool usage_pending_ = false;
  bool refused_ = false;
  llmgw_usage usage_ = unknown_usage();
  Error error_;
};

}  // namespace llmgw::openai_compat

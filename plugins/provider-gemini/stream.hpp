// provider-gemini streams (streamGenerateContent?alt=sse): each SSE event's data is a whole
// GenerateContentResponse holding the next parts. Translated to canonical
// chat.completion.chunk objects (emit_chunk), one object per stream, all of its state here:
//
//   first event                → {"delta": {"role": "assistant"}} (id and model kept)
//   thought text parts         → delta.reasoning_content
//   text parts                 → delta.content
//   functionCall part          → delta.tool_calls[{index i, id, type, function{name,
//                                arguments}}] (Gemini sends each call whole; i counts calls)
//   usageMetadata              → kept (the last one wins), set_usage
//   finishReason               → {"delta": {}, "finish_reason"}, then the usage chunk
//                                {"choices": [], "usage"} when the request set
//                                stream_options.include_usage; set_usage; DONE
//   promptFeedback.blockReason → finish_reason content_filter; DONE
//   {"error": {...}}           → set_error (errors.hpp), ERROR
// Gemini sends no end marker: a stream that closes before a finishReason is truncated
// (BAD_RESPONSE). An event that is not JSON or nests deeper than 128 levels is BAD_RESPONSE.
// Bytes may be cut at any boundary; the output is the same however they are cut.
#pragma once

#include "config.hpp"
#include "errors.hpp"
#include "json_util.hpp"
#include "usage.hpp"

#include <llmgw/plugin.h>
#include <llmgw/sse.hpp>

#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_gemini {

class Stream {
 public:
  /// `include_usage`: the request's stream_options.include_usage. `model` is used until an
  /// event names modelVersion. `created` is every chunk's created (unix seconds).
  Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created);

  /// stream_feed: NEED_MORE, DONE, or ERROR after set_error. After DONE or ERROR later bytes are
  /// not looked at (an error is reported again).
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);

  /// stream_close: DONE, or ERROR (the stream ended before a finishReason, or an error seen
  /// earlier) after set_error.
  llmgw_status close(const llmgw_event_out& out);

 private:
  enum class Phase { kMore, kDone, kError };

  bool on_event(std::string_view data, const llmgw_event_out& out);
  llmgw_status status(const llmgw_event_out& out);
  bool fail(Error e, const llmgw_event_out& out);
  void report_usage(const llmgw_event_out& out);
  void finish(std::string_view finish_reason, const llmgw_event_out& out);

  template <typename Body>
  void emit(const llmgw_event_out& out, Body&& body);

  const Config& cfg_;
  const bool include_usage_;
  /// Events over 16 MiB are dropped by the framer (Gemini's are a few KB; inline images more).
  SseFramer framer_{std::size_t{16} << 20};
  Phase phase_ = Phase::kMore;
  bool closing_ = false;
  bool started_ = false;
  Error error_;
  Usage usage_;
  std::string id_;
  std::string response_id_;
  std::string model_;
  int64_t created_;
  std::size_t calls_ = 0;  // function calls seen so far (their tool_calls indices)
  rapidjson::StringBuffer chunk_;
};

/// The request's stream_options.include_usage (a bounded parse, only when the text mentions it).
bool wants_stream_usage(std::string_view canonical_body);

}  // namespace llmgw::provider_gemini

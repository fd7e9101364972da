// provider-ollama streams: NDJSON (one answer object per line, not SSE), translated to
// canonical chat.completion.chunk objects:
//   first line               → {"delta": {"role": "assistant"}}
//   message.thinking         → delta.reasoning_content
//   message.content          → delta.content
//   message.tool_calls[]     → delta.tool_calls[{index, id, type, function{name, arguments}}]
//                              (Ollama sends each call whole)
//   "done": true             → the finish chunk (done_reason, tool_calls when any call came),
//                              the usage chunk when stream_options.include_usage, set_usage, DONE
//   {"error": text}          → set_error, ERROR
// A line longer than 16 MiB, or that is not a JSON object (or nests deeper than 128 levels), is
// BAD_RESPONSE; so is a stream that closes before "done". Bytes may be cut anywhere.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::provider_ollama {

class Stream {
 public:
  Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created);
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);
  llmgw_status close(const llmgw_event_out& out);

 private:
  enum class Phase { kMore, kDone, kError };
  bool on_line(std::string_view line, const llmgw_event_out& out);
  llmgw_status status(const llmgw_event_out& out);
  bool fail(Error e, const llmgw_event_out& out);
  template <typename Body>
  void emit(const llmgw_event_out& out, Body&& body);

  const Config& cfg_;
  const bool include_usage_;
  std::string line_;      // the incomplete line held across feeds
  bool skipping_ = false; // inside a line that grew past the limit
  Phase phase_ = Phase::kMore;
  Error error_;
  bool started_ = false;
  std::string id_;
  std::string model_;
  std::string created_at_;
  int64_t created_;
  std::size_t calls_ = 0;
  llmgw_usage usage_ = unknown_usage();
  rapidjson::StringBuffer chunk_;
};

bool wants_stream_usage(std::string_view canonical_body);

}  // namespace llmgw::provider_ollama

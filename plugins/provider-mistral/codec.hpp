// provider-mistral codec: the small delta from the canonical (OpenAI) chat shape to Mistral's.
//   encode  one bounded parse, members rewritten (README.md table), one write
//   decode  the chat.completion relayed with non-canonical finish reasons mapped; usage read
//   Stream  SSE chunks re-emitted as canonical chunks (finish reasons mapped, usage moved to
//           its own chunk when the client asked for it); [DONE] ends it
// Errors are OpenAI-shaped ({"object":"error","message","type","param","code"} or
// {"message"}): openai_compat classifies them.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>
#include <llmgw/sse.hpp>

#include <plugin_util/stream_options.hpp>
#include <plugin_util/sse_stream.hpp>
#include <plugin_util/stream_phase.hpp>

#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace llmgw::provider_mistral {

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error);

/// What a host other than Mistral's own API changes in the chat body (Mistral's models on Vertex
/// AI, provider-gemini: the URL names the model with its version, the body the bare name).
struct BodyOptions {
  std::string_view model;  // when not empty, replaces the body's "model"
  std::optional<bool> stream;  // when set, the body's "stream" (the method, streamRawPredict, says it too)
};

/// The chat body alone, translated as encode() does (no request line, no headers): written to
/// `body`. LLMGW_OK, or the refusal's status with its line written to `error`.
llmgw_status encode_chat_body(const Config& cfg, const llmgw_call& call, const BodyOptions& options,
                              rapidjson::StringBuffer& body, const llmgw_writer* error);

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& response,
                    const llmgw_result_out& out);

class Stream {
 public:
  Stream(const Config& cfg, bool include_usage) : cfg_(cfg), include_usage_(include_usage) {}
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);
  llmgw_status close(const llmgw_event_out& out);

 private:
  bool on_event(std::string_view data, const llmgw_event_out& out);
  bool fail(Error e, const llmgw_event_out& out);

  const Config& cfg_;
  const bool include_usage_;
  SseFramer framer_{std::size_t{16} << 20};
  plugin_util::StreamPhase phase_;
  llmgw_usage usage_ = unknown_usage();
  std::string usage_json_;  // the last usage object, compact
  std::string head_;        // "id", "created", "model" of the last chunk, for the usage chunk
  rapidjson::StringBuffer chunk_;
};

/// The request's stream_options.include_usage (plugin_util/stream_options.hpp).
using plugin_util::wants_stream_usage;

}  // namespace llmgw::provider_mistral

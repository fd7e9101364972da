// provider-gemini's stream per call: the Gemini SSE decoder (stream.hpp), for a
// vertex_ai/claude-… call provider-anthropic's Messages SSE decoder (streamRawPredict answers with
// the Messages API's events), for a vertex_ai/{publisher}/{model} call the OpenAI SSE relay
// (vertex_open_models.hpp), for a vertex_ai/mistral-… call provider-mistral's SSE decoder
// (vertex_mistral.hpp). Chosen once, from the call's model, when the stream opens.
#pragma once

#include "config.hpp"
#include "stream.hpp"
#include "vertex_open_models.hpp"

#include <provider-anthropic/stream.hpp>
#include <provider-mistral/codec.hpp>

#include <llmgw/plugin.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace llmgw::provider_gemini {

class CallStream {
 public:
  CallStream(const Config& cfg, const llmgw_call& call, bool include_usage, int64_t created,
             const llmgw_upstream_response& response);

  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);
  llmgw_status close(const llmgw_event_out& out);

 private:
  std::optional<Stream> gemini_;
  std::optional<provider_anthropic::Stream> claude_;
  std::optional<OpenModelStream> open_;
  std::optional<provider_mistral::Stream> mistral_;
};

}  // namespace llmgw::provider_gemini

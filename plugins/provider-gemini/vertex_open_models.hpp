// provider-gemini's open models on Vertex AI (vertex_ai/meta/llama-3.3-70b-instruct-maas and the
// other models Vertex serves as APIs whose id names their publisher, "{publisher}/{model}"):
// Vertex's OpenAI-compatible Chat Completions endpoint,
//   POST {open_models_url} = …/projects/{p}/locations/{l}/endpoints/openapi/chat/completions
// with the same OAuth Bearer token as the Gemini models. The canonical body goes as it is (the
// model value already the deployment's, publisher included), without the canonical extensions
// OpenAI-shaped upstreams reject when it was translated from another client dialect; the answer
// and the SSE stream are OpenAI's, hence canonical: relayed, with usage read on the way (the
// openai-compat library). Errors from Vertex's front end come in Google's shape (errors.hpp).
// Chat only (embeddings and count_tokens: LLMGW_UNSUPPORTED).
#pragma once

#include "config.hpp"

#include <openai_compat/chat_stream.hpp>

#include <llmgw/plugin.h>

#include <string_view>

namespace llmgw::provider_gemini {

/// encode_request of a vertex_ai/{publisher}/{model} call (is_vertex_open_model).
llmgw_status encode_vertex_open_model(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                      const llmgw_writer* error);

/// decode_response of such a call: the OpenAI answer relayed with its usage, or the error.
llmgw_status decode_vertex_open_model(const Config& cfg, const llmgw_upstream_response& response,
                                      const llmgw_result_out& out);

/// The stream of such a call: OpenAI's SSE relayed as it comes (emit_raw), usage, [DONE] and
/// error events read from it.
class OpenModelStream {
 public:
  explicit OpenModelStream(const Config& cfg) : cfg_(cfg) {}
  llmgw_status feed(std::string_view bytes, const llmgw_event_out& out);
  llmgw_status close(const llmgw_event_out& out);

 private:
  llmgw_status report(openai_compat::ChatStreamWatch::Step step, const llmgw_event_out& out);
  const Config& cfg_;
  openai_compat::ChatStreamWatch watch_;
};

}  // namespace llmgw::provider_gemini

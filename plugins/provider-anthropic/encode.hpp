// provider-anthropic request encoding.
//   PASSTHROUGH (body_dialect = Anthropic Messages): the call body as is (zero copy) to
//     /v1/messages or /v1/messages/count_tokens, with x-api-key, the client's anthropic-version
//     (else the configured one) and the client's anthropic-beta headers.
//   TRANSLATE (canonical OpenAI chat body): one parse, one write — the Messages request built
//     field by field (README.md has the table); fields Anthropic lacks are dropped, n > 1 is
//     refused.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <rapidjson/stringbuffer.h>

namespace llmgw::provider_anthropic {

/// encode_request. Returns LLMGW_OK; LLMGW_UNSUPPORTED (embeddings, n > 1, audio input, …) or
/// LLMGW_BAD_ARGUMENT (malformed canonical request), each with one line written to `error`.
llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error);

/// The translated Messages body in Vertex AI's form (provider-gemini's vertex_ai/claude-…
/// deployments, POSTed to :rawPredict / :streamRawPredict): no "model" (the URL names it) and
/// "anthropic_version": cfg.version in the body. For LLMGW_OP_COUNT_TOKENS (POSTed to
/// count-tokens:rawPredict) the count_tokens body as Anthropic's API takes it: "model" (the
/// Vertex model id) in the body, no anthropic_version. Embeddings: LLMGW_UNSUPPORTED;
/// LLMGW_UNSUPPORTED / LLMGW_BAD_ARGUMENT with one line in `error` as encode().
llmgw_status encode_vertex_body(const Config& cfg, const llmgw_call& call, rapidjson::StringBuffer& body,
                                const llmgw_writer* error);

}  // namespace llmgw::provider_anthropic

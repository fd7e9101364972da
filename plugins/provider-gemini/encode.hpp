// provider-gemini request encoding: the canonical OpenAI chat body (always: Gemini has no
// client dialect of its own in llmgw) → one GenerateContentRequest, POSTed to
// {models_url}{model}:generateContent, or :streamGenerateContent?alt=sse for a stream, with
// x-goog-api-key. One bounded parse, one write; README.md has the field table. Fields Gemini
// cannot honour are refused (LLMGW_UNSUPPORTED, the client gets 400 naming them), hints it has
// no use for (user, metadata, parallel_tool_calls, cache_control, …) are dropped.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace llmgw::provider_gemini {

/// encode_request (chat here; embeddings, count_tokens and the Vertex partner models through their
/// files). Returns LLMGW_OK; LLMGW_UNSUPPORTED (logprobs, n > 1 in a stream, http image URLs, …)
/// or LLMGW_BAD_ARGUMENT (malformed canonical request), each with one line written to `error`.
llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error);

/// The canonical body (parsed) → the GenerateContentRequest members in `out` (contents,
/// systemInstruction, tools, toolConfig, generationConfig). Throws EncodeError.
void translate_request(const llmgw_call& call, const rapidjson::Value& body, rapidjson::Value& out,
                       rapidjson::Document::AllocatorType& a);

/// content-type, the auth header and the extra headers, as every Gemini request carries them.
void add_headers(const Config& cfg, const llmgw_request_out& out);

/// The model's path segment: a leading "models/" removed, anything but [A-Za-z0-9._-]
/// percent-encoded. Empty when the model is empty.
std::string model_path_segment(std::string_view model);

/// What a Gemini request of `call` needs before its body: a canonical chat body and a model.
/// LLMGW_OK with `segment` set (model_path_segment), or the error written to `error`.
llmgw_status checked_chat_model(const llmgw_call& call, const llmgw_writer* error, std::string& segment);

}  // namespace llmgw::provider_gemini

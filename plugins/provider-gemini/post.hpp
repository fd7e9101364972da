// provider-gemini's request tail, the same for every call it encodes (generateContent and its
// stream, batchEmbedContents, Vertex :predict, the partner models' :rawPredict): POST to
// {base}{model}{suffix} with the Gemini headers (add_headers) and the encoded body.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <rapidjson/stringbuffer.h>

#include <string_view>

namespace llmgw::provider_gemini {

/// Sets method POST, the url {base}{model_segment}{suffix}, the headers and the body on `out`.
/// `model_segment` is already path-safe (model_path_segment, partner_model_segment).
void post_to_model(const Config& cfg, std::string_view base, std::string_view model_segment, std::string_view suffix,
                   const rapidjson::StringBuffer& body, const llmgw_request_out& out);

}  // namespace llmgw::provider_gemini

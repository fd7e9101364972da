// provider-gemini's first step in decoding a 2xx answer (generateContent, batchEmbedContents,
// Vertex :predict): the bounded parse of the body into a JSON object, and Google's error shape
// ({"error": {...}}) when it comes inside a 2xx body.
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>

#include <rapidjson/document.h>

#include <optional>

namespace llmgw::provider_gemini {

/// Parses `response`'s body into `doc`. When the body is not JSON (or nests deeper than 128
/// levels), is not an object, or holds an "error" object, the error is reported through `out`
/// and its status returned; std::nullopt means `doc` is an answer object to read.
std::optional<llmgw_status> parse_answer(const Config& cfg, const llmgw_upstream_response& response,
                                         const llmgw_result_out& out, rapidjson::Document& doc);

}  // namespace llmgw::provider_gemini

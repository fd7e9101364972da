// provider-bedrock request encoding: canonical chat → POST {base}/model/{modelId}/converse (or
// /converse-stream), the body translated (README.md table), the request signed with SigV4 over
// the host's hash functions and wall clock (or sent with a Bedrock API key).
#pragma once

#include "config.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <cstdint>
#include <string>

namespace llmgw::provider_bedrock {

llmgw_status encode(const Config& cfg, const Host& host, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error);

/// The request path for `model` (its id URI-encoded, ':' and '/' too): {base path}/model/{id}/converse[-stream].
std::string converse_path(const Config& cfg, std::string_view model, bool stream);

/// POST `payload` to {base_url host}{path} with content-type JSON, `accept`, and the deployment's
/// auth (its API key as a bearer token, else a SigV4 signature with the host's crypto and
/// clock), then the extra headers.
void send_signed(const Config& cfg, const Host& host, const std::string& path, std::string_view accept,
                 std::string_view payload, const llmgw_request_out& out);

}  // namespace llmgw::provider_bedrock

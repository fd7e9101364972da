// What the client gets when a provider's encode_request fails, by the status it returned
// (plugin.h): the client's request or a feature the provider lacks is the client's to fix (400);
// anything else is the gateway's own failure (500) and its text stays in the log.
//   LLMGW_UNSUPPORTED   400 invalid_request_error, code "unsupported_feature", the plugin's line
//                       naming the feature, with the provider named when the line does not
//   LLMGW_BAD_ARGUMENT  400 invalid_request_error, the plugin's line (the request cannot be
//                       translated: a malformed canonical field)
//   anything else       500 api_error, code "provider_encode_failed", a fixed message naming the
//                       provider and the deployment; the plugin's line (an exception's what() —
//                       it may name internals) is logged, never sent
#pragma once

#include "canonical/api_error.hpp"

#include <llmgw/plugin.h>

#include <string>
#include <string_view>

namespace llmgw::pipeline {

/// The client's error for encode_request's `rc` (not LLMGW_OK) and its error line.
canonical::ApiError encode_failure(llmgw_status rc, std::string_view plugin_line, std::string_view provider,
                                   std::string_view alias);

}  // namespace llmgw::pipeline

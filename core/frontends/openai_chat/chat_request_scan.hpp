// One pass over an OpenAI Chat Completions request body: validates it and finds what the
// gateway needs (model and where its value sits in the bytes, stream flags) without building
// a DOM. The original bytes stay untouched, so passthrough can forward them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <llmgw/json_depth.hpp>

#include "canonical/api_error.hpp"
#include "policy/estimate_tally.hpp"

namespace llmgw::frontends {

struct ChatRequestInfo {
  std::string model;             // the "model" value, unescaped
  std::size_t model_begin = 0;   // byte span of the model value's JSON string token,
  std::size_t model_end = 0;     //   quotes included: body[model_begin, model_end)
  bool stream = false;
  bool include_usage = false;    // stream_options.include_usage
  std::size_t message_count = 0;
  /// The body has top-level "fallbacks" or "models" (the client's own fallback list): the
  /// front-end cuts them out (frontends/routing_fields) and scans the rest again. A missing
  /// "model" is then left for that second scan ("models" may stand for it).
  bool routing_fields = false;
  /// A key "cache_control" (Anthropic's, at any depth) or "prompt_cache_key" (OpenAI's) was
  /// seen: the call asks for prompt caching (the metrics' hit ratio counts it).
  bool cache_requested = false;
  /// What the budget estimate needs, tallied as the scan walked (policy/estimate_tally).
  policy::EstimateTally tally;
  /// Field by field (the scan's fast and reference paths must agree: tests/fuzz).
  friend bool operator==(const ChatRequestInfo&, const ChatRequestInfo&) = default;
};

/// Scans `body`. On failure returns the 400 error to answer (message names the parameter).
/// Chat requests need a non-empty messages array. Arrays and objects nested deeper than
/// `max_depth` stop the scan at once: code "json_too_deep" (the scan recurses once per level;
/// the bound keeps it off the end of the worker's stack). "model" given twice: code
/// "duplicate_key" (one would be routed on and the other forwarded).
std::optional<canonical::ApiError> scan_chat_request(const std::string& body, ChatRequestInfo& info,
                                          unsigned max_depth = llmgw::kJsonMaxDepth);

/// body with the model value replaced by `model` (JSON-escaped). One allocation.
std::string rewrite_model(std::string_view body, const ChatRequestInfo& info, std::string_view model);

}  // namespace llmgw::frontends

// One pass over an Anthropic Messages request body (POST /v1/messages, /v1/messages/count_tokens):
// validates what Anthropic rejects up front and finds what the gateway needs (model and where
// its value sits in the bytes, stream flag, max_tokens) without building a DOM. The original
// bytes stay untouched, so passthrough to an Anthropic upstream can forward them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <llmgw/json_depth.hpp>

#include "canonical/api_error.hpp"
#include "policy/estimate_tally.hpp"
#include "util/json_span.hpp"

namespace llmgw::frontends::anthropic {

struct MessagesRequestInfo {
  std::string model;             // the "model" value, unescaped
  std::size_t model_begin = 0;   // byte span of the model value's JSON string token,
  std::size_t model_end = 0;     //   quotes included: body[model_begin, model_end)
  bool stream = false;
  int64_t max_tokens = -1;       // -1 when absent
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
  friend bool operator==(const MessagesRequestInfo&, const MessagesRequestInfo&) = default;
};

struct ScanOptions {
  /// /v1/messages needs max_tokens; /v1/messages/count_tokens does not.
  bool require_max_tokens = true;
  /// Arrays and objects nested deeper than this stop the scan at once (the scan recurses once
  /// per level; the bound keeps it off the end of the worker's stack): code "json_too_deep".
  unsigned max_depth = llmgw::kJsonMaxDepth;
};

/// Scans `body`. On failure returns the 400 `invalid_request_error` to answer, with a message in
/// Anthropic's style ("messages.0.role: Input should be 'user', 'assistant' or 'system'"); `param` names
/// the field as well. Rejects: not JSON or not an object; `model` missing, not a string or
/// empty; `max_tokens` missing (when required), not an integer or < 1; `stream` not a boolean;
/// `messages` missing, not an array or empty; a message that is not an object, lacks `content`
/// or has a role other than "user" / "assistant"; nesting deeper than `options.max_depth`
/// (code "json_too_deep"); "model" given twice (code "duplicate_key": one would be routed on
/// and the other forwarded).
std::optional<canonical::ApiError> scan_messages_request(const std::string& body, MessagesRequestInfo& info,
                                              ScanOptions options = {});

/// body with the model value replaced by `model` (JSON-escaped); every other byte unchanged.
inline std::string rewrite_model(std::string_view body, const MessagesRequestInfo& info,
                                 std::string_view model) {
  return util::replace_json_string_span(body, info.model_begin, info.model_end, model);
}

}  // namespace llmgw::frontends::anthropic

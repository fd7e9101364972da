// One pass over an OpenAI embeddings request body (POST /v1/embeddings): validates what OpenAI
// rejects up front and finds what the gateway needs (model and where its value sits in the bytes)
// without building a DOM. The original bytes stay untouched, so they can be forwarded as they are.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <llmgw/json_depth.hpp>

#include "canonical/api_error.hpp"
#include "policy/estimate_tally.hpp"

namespace llmgw::frontends::embeddings {

/// The most entries one "input" array may hold (OpenAI's limit).
inline constexpr std::size_t kMaxInputs = 2048;

struct EmbeddingsRequestInfo {
  std::string model;             // the "model" value, unescaped
  std::size_t model_begin = 0;   // byte span of the model value's JSON string token,
  std::size_t model_end = 0;     //   quotes included: body[model_begin, model_end)
  std::size_t input_count = 0;   // 1 for a single string or token array
  /// The body has top-level "fallbacks" or "models" (the client's own fallback list).
  bool routing_fields = false;
  /// What the budget estimate needs, tallied as the scan walked (policy/estimate_tally).
  policy::EstimateTally tally;
  /// Field by field (the scan's fast and reference paths must agree: tests/fuzz).
  friend bool operator==(const EmbeddingsRequestInfo&, const EmbeddingsRequestInfo&) = default;
};

/// Scans `body`; on failure the 400 to answer (the message names the parameter). Accepts
/// "input" as a string, an array of strings, an array of token ids, or an array of token-id
/// arrays: never empty, never an empty string, at most kMaxInputs entries, one kind per array.
/// "encoding_format" is "float" or "base64"; "dimensions" a positive integer; "user" a string.
/// Nesting deeper than `max_depth`: code "json_too_deep"; "model" or "input" twice: code
/// "duplicate_key".
std::optional<canonical::ApiError> scan_embeddings_request(const std::string& body, EmbeddingsRequestInfo& info,
                                                           unsigned max_depth = llmgw::kJsonMaxDepth);

}  // namespace llmgw::frontends::embeddings

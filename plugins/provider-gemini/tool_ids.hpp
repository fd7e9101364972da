// Tool-call ids. Gemini's functionCall parts carry no id (newer models may send one), while
// OpenAI clients must answer each call by id. The plugin synthesises a stable id per call —
// the same response gives the same ids, streamed or not — and, when the part carries a
// thoughtSignature (Gemini 3 wants it back on the next turn), appends it after
// kThoughtSeparator. Encoding a later turn reverses this: the signature goes back on the
// functionCall part, and each tool result finds its function's name through the id of the
// assistant tool call it answers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace llmgw::provider_gemini {

/// The id of call `index` (0-based, across the candidate's parts) named `name` in the response
/// `response_id` (may be empty): `upstream_id` when the part has one, else
/// "call_" + 24 hex digits of a hash of the three; then "__thought__" + `signature` when given.
std::string tool_call_id(std::string_view response_id, std::size_t index, std::string_view name,
                         std::string_view upstream_id, std::string_view signature);

/// An id as a client sends it back, split into the call id and the thought signature (empty
/// when there is none).
struct SplitId {
  std::string_view id;
  std::string_view signature;
};
SplitId split_tool_call_id(std::string_view id) noexcept;

}  // namespace llmgw::provider_gemini

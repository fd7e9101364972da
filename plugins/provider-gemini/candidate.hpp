// One Gemini candidate (of a whole response or of one stream chunk) read into what the
// canonical message or delta needs: text parts joined into content, thought parts
// (`"thought": true`) into reasoning, functionCall parts into tool calls (args as compact JSON,
// the part's thoughtSignature kept for the tool-call id), and the finish reason.
#pragma once

#include "json_util.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_gemini {

struct FunctionCall {
  std::string_view name;
  std::string arguments;         // args written compactly ("{}" when absent)
  std::string_view upstream_id;  // functionCall.id when the model sent one
  std::string_view signature;    // the part's thoughtSignature
};

struct CandidateParts {
  std::string text;
  std::string reasoning;
  std::vector<FunctionCall> calls;
  std::string_view finish_reason;  // Gemini's, e.g. "STOP"; empty while generating
  int index = 0;
};

/// Reads `candidate` (views point into it; keep it alive).
CandidateParts read_candidate(const Value& candidate);

/// The canonical finish_reason of a candidate that ended with `reason` after `called` function
/// calls in all: tool_calls when it called any and stopped normally.
std::string_view canonical_finish(std::string_view reason, bool called) noexcept;

}  // namespace llmgw::provider_gemini
